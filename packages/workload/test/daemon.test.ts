import type { DaemonSet } from "@kruise/api";
import type { Node, Pod, PodSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  countDaemonStatus,
  daemonNodeFit,
  daemonPodTargetNode,
  daemonPodTemplate,
  FailedPodBackoff,
  groupDaemonPodsByNode,
  isDaemonPodUpdated,
  pinToNode,
  planPlacement,
  planRollout,
  resolveDaemonStrategy,
  withDaemonTolerations,
  type NodeFit,
  type RolloutNode,
} from "../src/index.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const LONG_AGO = "2026-01-01T00:00:00Z";

function ds(spec: Partial<DaemonSet["spec"]> = {}, annotations?: Record<string, string>): DaemonSet {
  return {
    metadata: { name: "ds", ...(annotations ? { annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: "d" } },
      template: { metadata: { labels: { app: "d" } }, spec: { containers: [{ name: "c", image: "i" }] } },
      ...spec,
    },
  };
}

interface PodOpts {
  readonly hash?: string;
  readonly ready?: boolean;
  readonly bound?: boolean;
  readonly created?: string;
  readonly phase?: string;
  readonly deleting?: boolean;
  readonly state?: string;
}

/** A daemon pod for `node`, ready for ten minutes unless told otherwise. */
function pod(name: string, node: string, opts: PodOpts = {}): Pod {
  const ready = opts.ready ?? true;
  return {
    metadata: {
      name,
      creationTimestamp: opts.created ?? LONG_AGO,
      labels: {
        "controller-revision-hash": opts.hash ?? "new",
        ...(opts.state ? { "lifecycle.apps.kruise.io/state": opts.state } : {}),
      },
      ...(opts.deleting ? { deletionTimestamp: LONG_AGO } : {}),
    },
    spec: {
      containers: [{ name: "c", image: "i" }],
      affinity: pinToNode(undefined, node),
      ...(opts.bound === false ? {} : { nodeName: node }),
    },
    status: {
      phase: opts.phase ?? "Running",
      conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: LONG_AGO }],
    },
  };
}

const updated = (p: Pod): boolean => isDaemonPodUpdated(p, "new", undefined);
const fit = (name: string, shouldRun = true, shouldContinueRunning = shouldRun): NodeFit => ({
  name,
  shouldRun,
  shouldContinueRunning,
});
const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata?.name ?? "").sort();

describe("resolveDaemonStrategy", () => {
  it.each<[string, Partial<DaemonSet["spec"]>, number, Partial<ReturnType<typeof resolveDaemonStrategy>>]>([
    [
      "neither set: maxUnavailable 1",
      {},
      5,
      { maxUnavailable: 1, maxSurge: 0, partition: 0, burstReplicas: 250 },
    ],
    [
      "percentages round up",
      { updateStrategy: { rollingUpdate: { maxUnavailable: "10%" } } },
      15,
      { maxUnavailable: 2, maxSurge: 0 },
    ],
    [
      "maxSurge only",
      { updateStrategy: { rollingUpdate: { maxSurge: "20%" } } },
      6,
      { maxUnavailable: 0, maxSurge: 2 },
    ],
    [
      "Surging: Standard with maxSurge 1, maxUnavailable 0",
      { updateStrategy: { rollingUpdate: { rollingUpdateType: "Surging" } } },
      4,
      { maxUnavailable: 0, maxSurge: 1, rollingUpdateType: "Standard" },
    ],
    [
      "Surging keeps an explicit maxSurge",
      { updateStrategy: { rollingUpdate: { rollingUpdateType: "Surging", maxSurge: 3 } } },
      4,
      { maxSurge: 3, maxUnavailable: 0 },
    ],
    [
      "OnDelete: no partition, no selector",
      {
        updateStrategy: {
          type: "OnDelete",
          rollingUpdate: { partition: 3, selector: { matchLabels: { a: "b" } } },
        },
      },
      4,
      { type: "OnDelete", partition: 0, selector: undefined, maxSurge: 0 },
    ],
    ["burstReplicas percent rounds down", { burstReplicas: "50%" }, 5, { burstReplicas: 2 }],
    ["burstReplicas never below 1", { burstReplicas: "10%" }, 3, { burstReplicas: 1 }],
    [
      "InPlaceIfPossible, paused, partition",
      {
        updateStrategy: {
          rollingUpdate: { rollingUpdateType: "InPlaceIfPossible", paused: true, partition: 2 },
        },
      },
      4,
      { rollingUpdateType: "InPlaceIfPossible", paused: true, partition: 2 },
    ],
  ])("%s", (_name, spec, desired, expected) => {
    expect(resolveDaemonStrategy(ds(spec), desired)).toMatchObject(expected);
  });

  it("reads partitionedScaling from v1beta1 scaleStrategy or the v1alpha1 annotation", () => {
    expect(resolveDaemonStrategy(ds(), 3).partitionedScaling).toBe(false);
    expect(
      resolveDaemonStrategy(ds({ scaleStrategy: { partitionedScaling: true } }), 3).partitionedScaling,
    ).toBe(true);
    expect(
      resolveDaemonStrategy(ds({}, { "daemonset.kruise.io/progressive-create-pod": "true" }), 3)
        .partitionedScaling,
    ).toBe(true);
  });

  it("names the field of a value the schema would reject", () => {
    expect(() =>
      resolveDaemonStrategy(ds({ updateStrategy: { rollingUpdate: { maxSurge: "5" } } }), 3),
    ).toThrow(/spec\.updateStrategy\.rollingUpdate\.maxSurge/);
  });
});

describe("daemon pods", () => {
  it("pins a pod to its node through matchFields metadata.name, replacing required terms and keeping the rest", () => {
    const affinity = pinToNode(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: {} }],
        },
        podAntiAffinity: {},
      },
      "node-1",
    );
    expect(affinity.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] },
    ]);
    expect(affinity.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(affinity.podAntiAffinity).toEqual({});
    expect(daemonPodTargetNode({ spec: { containers: [], affinity } })).toBe("node-1");
    expect(daemonPodTargetNode({ spec: { containers: [], nodeName: "bound", affinity } })).toBe("bound");
    expect(daemonPodTargetNode({ spec: { containers: [] } })).toBeUndefined();
  });

  it("adds the daemon default tolerations, network-unavailable only with hostNetwork, replacing equal ones", () => {
    const plain = withDaemonTolerations({
      containers: [],
      tolerations: [
        {
          key: "node.kubernetes.io/not-ready",
          operator: "Exists",
          effect: "NoExecute",
          tolerationSeconds: 5,
        },
      ],
    });
    expect(plain.tolerations).toHaveLength(6);
    expect(plain.tolerations?.[0]).toEqual({
      key: "node.kubernetes.io/not-ready",
      operator: "Exists",
      effect: "NoExecute",
    });
    const host = withDaemonTolerations({ containers: [], hostNetwork: true });
    expect(host.tolerations?.map((t) => t.key)).toContain("node.kubernetes.io/network-unavailable");
  });

  it("labels the template with the revision hash and template generation, and gates in-place pods", () => {
    const template = daemonPodTemplate({
      template: ds().spec?.template ?? {},
      hash: "abc",
      templateGeneration: "3",
      inPlaceReadinessGate: true,
    });
    expect(template.metadata?.labels).toEqual({
      app: "d",
      "pod-template-generation": "3",
      "controller-revision-hash": "abc",
    });
    expect(template.spec?.readinessGates).toEqual([{ conditionType: "InPlaceUpdateReady" }]);
  });

  it("counts a pod as updated by hash, or by pod-template-generation for Kubernetes' older pods", () => {
    const p = pod("p", "n", { hash: "old" });
    expect(isDaemonPodUpdated(p, "new", undefined)).toBe(false);
    expect(isDaemonPodUpdated(p, "old", undefined)).toBe(true);
    const generation = { ...p, metadata: { ...p.metadata, labels: { "pod-template-generation": "2" } } };
    expect(isDaemonPodUpdated(generation, "new", "2")).toBe(true);
    expect(isDaemonPodUpdated(generation, "new", "3")).toBe(false);
  });
});

describe("planPlacement", () => {
  const base = {
    isUpdated: updated,
    allowSurge: false,
    minReadySeconds: 0,
    now: NOW,
    failedPodBackoffMs: () => 0,
  };

  it("creates on nodes that should run a pod and have none, deletes from nodes that must not keep one", () => {
    const pods = [pod("a", "n-a"), pod("c", "n-c"), pod("d", "n-d")];
    const plan = planPlacement({
      ...base,
      nodes: [fit("n-b"), fit("n-a"), fit("n-c", false, false), fit("n-d", false, true), fit("n-e", false)],
      podsByNode: groupDaemonPodsByNode(pods),
    });
    expect(plan.nodesNeedingPods).toEqual(["n-b"]);
    // n-c lost its fit; n-d only gained a NoSchedule taint its pod tolerates (NoExecute only evicts).
    expect(names(plan.podsToDelete)).toEqual(["c"]);
  });

  it("without surge keeps only the oldest running pod of a node; a bound pod counts as older", () => {
    const pods = [
      pod("young", "n", { created: "2026-01-01T00:05:00Z" }),
      pod("old", "n"),
      pod("unbound", "n", { bound: false, created: "2025-01-01T00:00:00Z" }),
      pod("gone", "n", { deleting: true }),
    ];
    const plan = planPlacement({ ...base, nodes: [fit("n")], podsByNode: groupDaemonPodsByNode(pods) });
    expect(names(plan.podsToDelete)).toEqual(["unbound", "young"]);
    expect(plan.nodesNeedingPods).toEqual([]);
  });

  it("with surge keeps an old pod beside a new one until the new one is available", () => {
    const waiting = [pod("old", "n", { hash: "old" }), pod("new", "n", { ready: false })];
    const surge = { ...base, allowSurge: true, nodes: [fit("n")] };
    expect(planPlacement({ ...surge, podsByNode: groupDaemonPodsByNode(waiting) }).podsToDelete).toEqual([]);
    const done = [pod("old", "n", { hash: "old" }), pod("new", "n")];
    expect(names(planPlacement({ ...surge, podsByNode: groupDaemonPodsByNode(done) }).podsToDelete)).toEqual([
      "old",
    ]);
    // A node whose only pod is terminating gets its replacement at once when surging.
    const terminating = [pod("old", "n", { hash: "old", deleting: true })];
    expect(
      planPlacement({ ...surge, podsByNode: groupDaemonPodsByNode(terminating) }).nodesNeedingPods,
    ).toEqual(["n"]);
  });

  it("deletes a failed pod once per backoff period and asks to come back when it ends", () => {
    const pods = groupDaemonPodsByNode([pod("failed", "n", { phase: "Failed" })]);
    const first = planPlacement({ ...base, nodes: [fit("n")], podsByNode: pods });
    expect(first.failedPods.map((f) => f.node)).toEqual(["n"]);
    expect(names(first.podsToDelete)).toEqual(["failed"]);
    const held = planPlacement({
      ...base,
      nodes: [fit("n")],
      podsByNode: pods,
      failedPodBackoffMs: () => 2000,
    });
    expect(held.podsToDelete).toEqual([]);
    expect(held.requeueAfterMs).toBe(2000);
  });

  it("deletes pods released from preDelete and unbound pods of vanished nodes", () => {
    const pods = [pod("hooked", "n", { state: "PreparingDelete" }), pod("orphan", "gone", { bound: false })];
    const plan = planPlacement({ ...base, nodes: [fit("n")], podsByNode: groupDaemonPodsByNode(pods) });
    expect(names(plan.podsToDelete)).toEqual(["hooked", "orphan"]);
  });

  it("partitionedScaling creates first pods only beyond the partition, by node name", () => {
    const plan = planPlacement({
      ...base,
      nodes: [fit("n-3"), fit("n-1"), fit("n-2"), fit("n-0")],
      podsByNode: groupDaemonPodsByNode([pod("p0", "n-0")]),
      partitionedScaling: { partition: 2 },
    });
    // 4 desired, 1 already new, partition 2: one more node gets a pod.
    expect(plan.nodesNeedingPods).toEqual(["n-1"]);
  });
});

describe("planRollout", () => {
  const nodes = (count: number, zoneOf: (i: number) => string = () => "a"): RolloutNode[] =>
    Array.from({ length: count }, (_, i) => ({
      name: `n-${i}`,
      labels: { zone: zoneOf(i) },
      shouldRun: true,
    }));
  const oldPods = (count: number): Pod[] =>
    Array.from({ length: count }, (_, i) => pod(`p-${i}`, `n-${i}`, { hash: "old" }));
  const base = {
    isUpdated: updated,
    maxSurge: 0,
    maxUnavailable: 1,
    partition: 0,
    selector: undefined,
    minReadySeconds: 0,
    now: NOW,
  };

  it("partition N-1 updates exactly one node, the highest name", () => {
    const plan = planRollout({
      ...base,
      nodes: nodes(4),
      podsByNode: groupDaemonPodsByNode(oldPods(4)),
      partition: 3,
    });
    expect(plan.candidates).toEqual(["n-3"]);
    expect(names(plan.oldPodsToReplace)).toEqual(["p-3"]);
  });

  it("holds at the partition once that node is updated, and the partition counts nodes being replaced", () => {
    const pods = [...oldPods(3), pod("new-3", "n-3")];
    const held = planRollout({
      ...base,
      nodes: nodes(4),
      podsByNode: groupDaemonPodsByNode(pods),
      partition: 3,
    });
    expect(held.oldPodsToReplace).toEqual([]);
    // n-3's old pod deleted, new one not yet created: the node is "updating" and still uses the one slot.
    const updating = planRollout({
      ...base,
      nodes: nodes(4),
      podsByNode: groupDaemonPodsByNode(oldPods(3)),
      partition: 3,
    });
    expect(updating.candidates).toEqual(["n-3"]);
    expect(updating.oldPodsToReplace).toEqual([]);
  });

  it("rollingUpdate.selector limits the update to matching nodes", () => {
    const plan = planRollout({
      ...base,
      maxUnavailable: 10,
      nodes: nodes(6, (i) => (i % 2 === 0 ? "a" : "b")),
      podsByNode: groupDaemonPodsByNode(oldPods(6)),
      selector: { matchLabels: { zone: "a" } },
    });
    expect(plan.candidates).toEqual(["n-4", "n-2", "n-0"]);
    expect(names(plan.oldPodsToReplace)).toEqual(["p-0", "p-2", "p-4"]);
  });

  it("stays within maxUnavailable, counting unavailable new pods, and always replaces unavailable old pods", () => {
    const pods = [
      pod("new-0", "n-0", { ready: false }),
      pod("p-1", "n-1", { hash: "old", ready: false }),
      ...oldPods(5).slice(2),
    ];
    const plan = planRollout({
      ...base,
      maxUnavailable: 2,
      nodes: nodes(5),
      podsByNode: groupDaemonPodsByNode(pods),
    });
    // One new pod unavailable: one more available old pod may go, plus the unavailable old one.
    expect(names(plan.oldPodsToReplace)).toEqual(["p-1", "p-4"]);
  });

  it("surges onto up to maxSurge nodes and replaces old pods whose new pod is available", () => {
    const pods = [pod("p-0", "n-0", { hash: "old" }), pod("new-0", "n-0"), ...oldPods(4).slice(1)];
    const plan = planRollout({
      ...base,
      maxSurge: 1,
      maxUnavailable: 0,
      nodes: nodes(4),
      podsByNode: groupDaemonPodsByNode(pods),
    });
    expect(names(plan.oldPodsToReplace)).toEqual(["p-0"]);
    expect(plan.nodesToSurge).toEqual(["n-3"]);
    const busy = [
      pod("p-0", "n-0", { hash: "old" }),
      pod("new-0", "n-0", { ready: false }),
      ...oldPods(4).slice(1),
    ];
    const waiting = planRollout({
      ...base,
      maxSurge: 1,
      maxUnavailable: 0,
      nodes: nodes(4),
      podsByNode: groupDaemonPodsByNode(busy),
    });
    expect(waiting.nodesToSurge).toEqual([]);
    expect(waiting.oldPodsToReplace).toEqual([]);
  });
});

describe("countDaemonStatus", () => {
  it("counts per node from its first pod, misscheduled pods, and when the next pod becomes available", () => {
    const justReady: Pod = {
      ...pod("fresh", "n-2"),
      status: {
        phase: "Running",
        conditions: [
          { type: "Ready", status: "True", lastTransitionTime: new Date(NOW - 2000).toISOString() },
        ],
      },
    };
    const counts = countDaemonStatus({
      nodes: [fit("n-0"), fit("n-1"), fit("n-2"), fit("n-3"), fit("n-4", false)],
      podsByNode: groupDaemonPodsByNode([
        pod("a", "n-0"),
        pod("b", "n-1", { hash: "old", ready: false }),
        justReady,
        pod("x", "n-4"),
      ]),
      isUpdated: updated,
      minReadySeconds: 5,
      now: NOW,
    });
    expect(counts).toEqual({
      desiredNumberScheduled: 4,
      currentNumberScheduled: 3,
      numberMisscheduled: 1,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 1,
      numberUnavailable: 3,
      requeueAfterMs: 3001,
    });
  });
});

describe("FailedPodBackoff", () => {
  it("starts at 1 s, doubles to 1 min, and forgets after 2 min without failures", () => {
    const b = new FailedPodBackoff();
    expect(b.remaining("k", 0)).toBe(0);
    b.next("k", 0);
    expect(b.remaining("k", 500)).toBe(500);
    b.next("k", 1000);
    expect(b.remaining("k", 1000)).toBe(2000);
    for (let i = 0; i < 10; i++) b.next("k", 2000);
    expect(b.remaining("k", 2000)).toBe(60_000);
    b.next("k", 200_000);
    expect(b.remaining("k", 200_000)).toBe(1000);
    b.gc(400_000);
    expect(b.size).toBe(0);
  });
});

describe("daemonNodeFit", () => {
  const node = (labels: Record<string, string>, taints: NonNullable<Node["spec"]>["taints"] = []): Node => ({
    metadata: { name: "n-1", labels },
    spec: { taints },
  });
  const spec = (extra: Partial<PodSpec> = {}): PodSpec => withDaemonTolerations({ containers: [], ...extra });

  it.each<[string, PodSpec, Node, boolean, boolean]>([
    ["plain node", spec(), node({}), true, true],
    ["nodeSelector matches", spec({ nodeSelector: { zone: "a" } }), node({ zone: "a" }), true, true],
    ["nodeSelector does not match", spec({ nodeSelector: { zone: "a" } }), node({ zone: "b" }), false, false],
    [
      "required affinity Gt",
      spec({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "gen", operator: "Gt", values: ["3"] }] }],
            },
          },
        },
      }),
      node({ gen: "4" }),
      true,
      true,
    ],
    ["nodeName elsewhere", spec({ nodeName: "other" }), node({}), false, false],
    [
      "NoSchedule taint: no new pod, the running one stays",
      spec(),
      node({}, [{ key: "k", effect: "NoSchedule" }]),
      false,
      true,
    ],
    ["NoExecute taint: the pod goes", spec(), node({}, [{ key: "k", effect: "NoExecute" }]), false, false],
    [
      "tolerated NoExecute taint",
      spec({ tolerations: [{ key: "k", operator: "Equal", value: "v", effect: "NoExecute" }] }),
      node({}, [{ key: "k", value: "v", effect: "NoExecute" }]),
      true,
      true,
    ],
    [
      "cordoned and not-ready nodes are tolerated by the daemon defaults",
      spec(),
      node({}, [
        { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
        { key: "node.kubernetes.io/not-ready", effect: "NoExecute" },
      ]),
      true,
      true,
    ],
    ["PreferNoSchedule is ignored", spec(), node({}, [{ key: "k", effect: "PreferNoSchedule" }]), true, true],
  ])("%s", (_name, podSpec, n, shouldRun, shouldContinueRunning) => {
    expect(daemonNodeFit(podSpec, n)).toEqual({ name: "n-1", shouldRun, shouldContinueRunning });
  });
});
