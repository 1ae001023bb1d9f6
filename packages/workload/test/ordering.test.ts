import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  generateInstanceId,
  orderPodsForUpdate,
  podDeletionCost,
  randomSafeString,
  sameNodeRanker,
  scatterPods,
  sortActivePods,
  sortByPriority,
  sortPodsForDeletion,
  spreadConstraintsRanker,
  trailingInteger,
  SAFE_ALPHABET,
} from "../src/index.ts";
import { names, pod } from "./helpers.ts";

describe("deletion order", () => {
  // pod_sorter.go ActivePodsWithRanks.Less, one row per rule: [first, second] where first is deleted first.
  const rows: Array<[string, Pod, Pod]> = [
    [
      "unassigned before assigned",
      pod({ name: "a", ready: true }),
      pod({ name: "b", ready: true, node: "n1" }),
    ],
    [
      "Pending before Running",
      pod({ name: "a", node: "n", phase: "Pending" }),
      pod({ name: "b", node: "n", phase: "Running" }),
    ],
    [
      "Pending before Unknown",
      pod({ name: "a", node: "n", phase: "Pending" }),
      pod({ name: "b", node: "n", phase: "Unknown" }),
    ],
    [
      "Unknown before Running",
      pod({ name: "a", node: "n", phase: "Unknown" }),
      pod({ name: "b", node: "n", phase: "Running" }),
    ],
    [
      "not ready before ready",
      pod({ name: "a", node: "n", phase: "Running" }),
      pod({ name: "b", node: "n", ready: true }),
    ],
    [
      "lower deletion cost first",
      pod({
        name: "a",
        node: "n",
        ready: true,
        annotations: { "controller.kubernetes.io/pod-deletion-cost": "-5" },
      }),
      pod({ name: "b", node: "n", ready: true }),
    ],
    [
      "deletion cost beats ready time",
      pod({
        name: "a",
        node: "n",
        ready: true,
        readyForSeconds: 9999,
        annotations: { "controller.kubernetes.io/pod-deletion-cost": "1" },
      }),
      pod({
        name: "b",
        node: "n",
        ready: true,
        readyForSeconds: 1,
        annotations: { "controller.kubernetes.io/pod-deletion-cost": "2" },
      }),
    ],
    [
      "ready more recently first",
      pod({ name: "a", node: "n", ready: true, readyForSeconds: 10 }),
      pod({ name: "b", node: "n", ready: true, readyForSeconds: 100 }),
    ],
    [
      "more restarts first",
      pod({ name: "a", node: "n", phase: "Running", restarts: 5 }),
      pod({ name: "b", node: "n", phase: "Running", restarts: 1 }),
    ],
    [
      "newer first",
      pod({ name: "a", node: "n", phase: "Running", createdSecondsAgo: 10 }),
      pod({ name: "b", node: "n", phase: "Running", createdSecondsAgo: 100 }),
    ],
    [
      "no creation time first",
      pod({ name: "a", node: "n", phase: "Running" }),
      pod({ name: "b", node: "n", phase: "Running", createdSecondsAgo: 100 }),
    ],
  ];
  it.each(rows)("%s", (_name, first, second) => {
    expect(names(sortPodsForDeletion([second, first]))).toEqual(["a", "b"]);
    expect(names(sortPodsForDeletion([first, second]))).toEqual(["a", "b"]);
  });

  // pod_sorter.go: unavailable (lifecycle / minReadySeconds) goes before available.
  it("unavailable before available when an availability function is given", () => {
    const a = pod({ name: "a", node: "n", ready: true, state: "PreparingUpdate" });
    const b = pod({ name: "b", node: "n", ready: true, readyForSeconds: 1 });
    const isAvailable = (p: Pod): boolean =>
      p.metadata?.labels?.["lifecycle.apps.kruise.io/state"] === undefined;
    expect(names(sortPodsForDeletion([b, a], { isAvailable }))).toEqual(["a", "b"]);
  });

  // pod_sorter.go getDeletionCostFromPodAnnotations: malformed values count as 0.
  it.each([
    ["10", 10],
    ["-3", -3],
    ["0", 0],
    ["+10", 0],
    ["008", 0],
    ["abc", 0],
    ["99999999999", 0],
  ])("deletion cost %j is %i", (value, expected) => {
    expect(
      podDeletionCost(pod({ annotations: { "controller.kubernetes.io/pod-deletion-cost": value } })),
    ).toBe(expected);
  });

  // pod_sorter.go NewSameNodeRanker: crowded nodes lose pods first.
  it("same-node ranker deletes from the crowded node first", () => {
    const list = [
      pod({ name: "solo", node: "n1", ready: true, readyForSeconds: 10 }),
      pod({ name: "pair-1", node: "n2", ready: true }),
      pod({ name: "pair-2", node: "n2", ready: true, readyForSeconds: 50 }),
    ];
    const sorted = sortPodsForDeletion(list, { ranker: sameNodeRanker(list) });
    expect(names(sorted)[0]).toBe("pair-2");
  });

  // pod_sorter.go NewSpreadConstraintsRanker: the fuller topology domain loses pods first.
  it("spread ranker deletes from the fuller zone first", () => {
    const list = [
      pod({ name: "z1-a", node: "n1", ready: true }),
      pod({ name: "z1-b", node: "n2", ready: true }),
      pod({ name: "z2-a", node: "n3", ready: true, readyForSeconds: 1 }),
    ];
    const nodes = new Map([
      ["n1", { zone: "z1" }],
      ["n2", { zone: "z1" }],
      ["n3", { zone: "z2" }],
    ]);
    const sorted = sortPodsForDeletion(list, { ranker: spreadConstraintsRanker(list, ["zone"], nodes) });
    expect(names(sorted)[0]?.startsWith("z1")).toBe(true);
  });
});

describe("update order", () => {
  // k8s controller.ActivePods: the default update order, least valuable first.
  it("default order puts unassigned, pending and not-ready pods first", () => {
    const list = [
      pod({ name: "ready", node: "n", ready: true }),
      pod({ name: "pending", node: "n", phase: "Pending" }),
      pod({ name: "unassigned" }),
    ];
    expect(names(sortActivePods(list))).toEqual(["unassigned", "pending", "ready"]);
  });

  // updatesort/priority_sort.go weightPriority: sum of matching weights, higher first.
  it("weight priority: higher total weight first", () => {
    const list = [
      pod({ name: "none" }),
      pod({ name: "canary", labels: { role: "canary" } }),
      pod({ name: "both", labels: { role: "canary", zone: "a" } }),
    ];
    const strategy = {
      weightPriority: [
        { weight: 50, matchSelector: { matchLabels: { role: "canary" } } },
        {
          weight: 10,
          matchSelector: { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] },
        },
      ],
    };
    expect(names(sortByPriority(list, strategy))).toEqual(["both", "canary", "none"]);
  });

  // updatesort/priority_sort.go orderPriority: first key present decides the level, higher trailing number first,
  // and pods with no key at all go before every keyed pod (level -1).
  it("order priority: level, then higher number first, unkeyed first", () => {
    const list = [
      pod({ name: "g-1", labels: { group: "g-1" } }),
      pod({ name: "g-10", labels: { group: "g-10" } }),
      pod({ name: "tier-2", labels: { tier: "2" } }),
      pod({ name: "unkeyed" }),
      pod({ name: "g-3", labels: { group: "g-3" } }),
    ];
    const strategy = { orderPriority: [{ orderedKey: "group" }, { orderedKey: "tier" }] };
    expect(names(sortByPriority(list, strategy))).toEqual(["unkeyed", "g-10", "g-3", "g-1", "tier-2"]);
  });

  it.each([
    ["zone-12", 12],
    ["v2", 2],
    ["abc", 0],
    ["", 0],
  ])("trailing integer of %j is %i", (value, expected) => {
    expect(trailingInteger(value)).toBe(expected);
  });

  // updatesort/scatter_sort.go: matched pods spread out in groups (sizes rounded like Go math.Round), one kept for the end.
  it("scatter spreads matching pods through the order", () => {
    const list = [
      ...Array.from({ length: 3 }, (_, i) => pod({ name: `m${i}`, labels: { zone: "a" } })),
      ...Array.from({ length: 3 }, (_, i) => pod({ name: `u${i}`, labels: { zone: "b" } })),
    ];
    expect(names(scatterPods(list, list, [{ key: "zone", value: "a" }]))).toEqual([
      "m0",
      "u0",
      "u1",
      "m1",
      "u2",
      "m2",
    ]);
  });

  it("scatter leaves the order alone when too few pods match", () => {
    const list = [pod({ name: "m0", labels: { zone: "a" } }), pod({ name: "u0" }), pod({ name: "u1" })];
    expect(names(scatterPods(list, list, [{ key: "zone", value: "a" }]))).toEqual(["m0", "u0", "u1"]);
  });

  it("scatter with a sparse workload groups unmatched pods between matched ones", () => {
    // 2 matched in 8 total: density 1 in 4, the waiting set is denser (2 in 5).
    const waiting = [
      pod({ name: "m0", labels: { k: "v" } }),
      pod({ name: "m1", labels: { k: "v" } }),
      ...Array.from({ length: 3 }, (_, i) => pod({ name: `u${i}` })),
    ];
    const all = [...waiting, pod({ name: "x0" }), pod({ name: "x1" }), pod({ name: "x2" })];
    const order = names(scatterPods(waiting, all, [{ key: "k", value: "v" }]));
    expect(order[0]).toBe("m0");
    expect(order[order.length - 1]).toBe("m1");
  });

  // cloneset_update.go SortUpdateIndexes: default, priority, scatter, then PreparingUpdate pods first.
  it("PreparingUpdate pods go first whatever their priority", () => {
    const list = [
      pod({ name: "high", labels: { p: "x" } }),
      pod({ name: "preparing", state: "PreparingUpdate" }),
    ];
    const order = orderPodsForUpdate(list, list, {
      priorityStrategy: { weightPriority: [{ weight: 100, matchSelector: { matchLabels: { p: "x" } } }] },
    });
    expect(names(order)).toEqual(["preparing", "high"]);
  });
});

describe("instance ids", () => {
  // k8s rand.String alphabet: no vowels, no 0/1/3.
  it("uses only the safe alphabet", () => {
    const id = randomSafeString(200);
    expect(id).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(SAFE_ALPHABET).not.toMatch(/[aeiou013]/);
  });

  it("avoids ids already taken", () => {
    let n = 0;
    const sequence = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const random = (): number => sequence[n++ % sequence.length] ?? 0;
    expect(generateInstanceId(new Set(["bbbbb"]), random)).toBe("ccccc");
  });

  it("fails clearly when the random source is stuck", () => {
    expect(() => generateInstanceId(new Set(["bbbbb"]), () => 0)).toThrow(/random source/);
  });
});
