import { describe, expect, it } from "vitest";
import {
  allocateSubsetReplicas,
  parseSubsetReplicas,
  subsetAllocationFailureEvent,
  subsetAllocatorFor,
  type CurrentSubset,
  type IntOrString,
  type SubsetAllocationErrorReason,
  type SubsetAllocationInput,
  type SubsetAllocationSpec,
  type SubsetAllocatorKind,
} from "../src/index.ts";

// Subset shorthand: "a" | ["a", replicas] | ["a", min, max] (undefined = unset).
type S =
  string | [string, IntOrString | undefined] | [string, IntOrString | undefined, IntOrString | undefined];
const subsets = (list: S[]): SubsetAllocationSpec[] =>
  list.map((s) => {
    if (typeof s === "string") return { name: s };
    if (s.length === 2) return { name: s[0], replicas: s[1] };
    return { name: s[0], minReplicas: s[1], maxReplicas: s[2] };
  });
const now = (entries: Record<string, number | CurrentSubset>): Map<string, CurrentSubset> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, typeof v === "number" ? { replicas: v } : v]));

interface Row {
  readonly name: string;
  readonly input: SubsetAllocationInput;
  readonly allocator: SubsetAllocatorKind;
  readonly expected: Record<string, number> | SubsetAllocationErrorReason;
  readonly problems?: number;
}

const t4 = ["t1", "t2", "t3", "t4"];
const rows: Row[] = [
  // ---- specific: even split of what is left; the remainder goes to the subsets with most replicas now ----
  {
    name: "5 over 4 unspecified (now 1,4,2,2): the largest takes the remainder",
    allocator: "specific",
    input: { replicas: 5, subsets: subsets(t4), current: now({ t1: 1, t2: 4, t3: 2, t4: 2 }) },
    expected: { t1: 1, t2: 2, t3: 1, t4: 1 },
  },
  {
    name: "scale to 0",
    allocator: "specific",
    input: { replicas: 0, subsets: subsets(["t1"]), current: now({ t1: 2 }) },
    expected: { t1: 0 },
  },
  {
    name: "17 over 4 (now 1,4,2,2)",
    allocator: "specific",
    input: { replicas: 17, subsets: subsets(t4), current: now({ t1: 1, t2: 4, t3: 2, t4: 2 }) },
    expected: { t1: 4, t2: 5, t3: 4, t4: 4 },
  },
  {
    name: "9 over 4 (now 2,4,2,2)",
    allocator: "specific",
    input: { replicas: 9, subsets: subsets(t4), current: now({ t1: 2, t2: 4, t3: 2, t4: 2 }) },
    expected: { t1: 2, t2: 3, t3: 2, t4: 2 },
  },
  {
    name: "19 over 2 (now 0,10): odd one stays where the pods are",
    allocator: "specific",
    input: { replicas: 19, subsets: subsets(["t1", "t2"]), current: now({ t1: 0, t2: 10 }) },
    expected: { t1: 9, t2: 10 },
  },
  {
    name: "21 over 2 (now 0,10)",
    allocator: "specific",
    input: { replicas: 21, subsets: subsets(["t1", "t2"]), current: now({ t1: 0, t2: 10 }) },
    expected: { t1: 10, t2: 11 },
  },
  {
    name: "new subsets: ties broken by name, the later names get the remainder",
    allocator: "specific",
    input: { replicas: 5, subsets: subsets(["a", "b", "c"]) },
    expected: { a: 1, b: 2, c: 2 },
  },
  {
    name: "27 with t1=4, t3=4 fixed: 19 left over t4 (now 2) and t2 (now 4)",
    allocator: "specific",
    input: {
      replicas: 27,
      subsets: subsets([["t1", 4], "t2", ["t3", 4], "t4"]),
      current: now({ t1: 1, t2: 4, t3: 2, t4: 2 }),
    },
    expected: { t1: 4, t2: 10, t3: 4, t4: 9 },
  },
  {
    name: "fixed ones add up to the total: unspecified get 0",
    allocator: "specific",
    input: {
      replicas: 8,
      subsets: subsets([["t1", 4], "t2", ["t3", 4], "t4"]),
      current: now({ t1: 2, t2: 4, t3: 2, t4: 2 }),
    },
    expected: { t1: 4, t2: 0, t3: 4, t4: 0 },
  },
  {
    name: "all fixed, sum = total",
    allocator: "specific",
    input: {
      replicas: 16,
      subsets: subsets([
        ["t1", 4],
        ["t2", 4],
        ["t3", 4],
        ["t4", 4],
      ]),
    },
    expected: { t1: 4, t2: 4, t3: 4, t4: 4 },
  },
  {
    name: "three fixed, the last takes the rest",
    allocator: "specific",
    input: {
      replicas: 10,
      subsets: subsets([["t1", 1], ["t2", 2], ["t3", 3], "t4"]),
      current: now({ t1: 4, t2: 2, t3: 2, t4: 2 }),
    },
    expected: { t1: 1, t2: 2, t3: 3, t4: 4 },
  },
  {
    name: "spec.replicas unset, all fixed",
    allocator: "specific",
    input: {
      subsets: subsets([
        ["t1", 1],
        ["t2", 2],
        ["t3", 3],
        ["t4", 4],
      ]),
    },
    expected: { t1: 1, t2: 2, t3: 3, t4: 4 },
  },
  {
    name: "the issue's 6 over a=1, b=50%, c",
    allocator: "specific",
    input: { replicas: 6, subsets: subsets([["a", 1], ["b", "50%"], "c"]) },
    expected: { a: 1, b: 3, c: 2 },
  },
  {
    name: "the issue's scale to 10",
    allocator: "specific",
    input: {
      replicas: 10,
      subsets: subsets([["a", 1], ["b", "50%"], "c"]),
      current: now({ a: 1, b: 3, c: 2 }),
    },
    expected: { a: 1, b: 5, c: 4 },
  },
  {
    name: "percentages round half up: 50% of 5 is 3",
    allocator: "specific",
    input: { replicas: 5, subsets: subsets([["a", "50%"], "b"]) },
    expected: { a: 3, b: 2 },
  },
  {
    name: "33% of 10 is 3",
    allocator: "specific",
    input: { replicas: 10, subsets: subsets([["a", "33%"], ["b", "33%"], "c"]) },
    expected: { a: 3, b: 3, c: 4 },
  },
  {
    name: "25% of 7 is 2 (1.75)",
    allocator: "specific",
    input: { replicas: 7, subsets: subsets([["a", "25%"], "b"]) },
    expected: { a: 2, b: 5 },
  },
  {
    name: "100% and 0%",
    allocator: "specific",
    input: { replicas: 4, subsets: subsets([["a", "100%"], ["b", "0%"], "c"]) },
    expected: { a: 4, b: 0, c: 0 },
  },
  {
    name: "a number written as a string counts as unspecified",
    allocator: "specific",
    problems: 1,
    input: { replicas: 6, subsets: subsets([["a", "5"], "b"]) },
    expected: { a: 3, b: 3 },
  },
  {
    name: "120% counts as unspecified",
    allocator: "specific",
    problems: 1,
    input: {
      replicas: 4,
      subsets: subsets([
        ["a", "120%"],
        ["b", 1],
      ]),
    },
    expected: { a: 3, b: 1 },
  },
  {
    name: "negative replicas count as unspecified",
    allocator: "specific",
    problems: 1,
    input: { replicas: 4, subsets: subsets([["a", -1], "b"]) },
    expected: { a: 2, b: 2 },
  },
  // ---- specific: refusals ----
  {
    name: "all fixed, sum below total",
    allocator: "specific",
    input: {
      replicas: 14,
      subsets: subsets([
        ["t1", 6],
        ["t2", 6],
      ]),
      current: now({ t1: 10, t2: 4 }),
    },
    expected: "SpecifiedReplicasBelowTotal",
  },
  {
    name: "fixed sum above total",
    allocator: "specific",
    input: {
      replicas: 14,
      subsets: subsets([
        ["t1", 10],
        ["t2", 11],
      ]),
      current: now({ t1: 10, t2: 4 }),
    },
    expected: "SpecifiedReplicasAboveTotal",
  },
  {
    name: "fixed sum above total with an unspecified subset",
    allocator: "specific",
    input: { replicas: 3, subsets: subsets([["a", 2], ["b", "50%"], "c"]) },
    expected: "SpecifiedReplicasAboveTotal",
  },
  {
    name: "spec.replicas unset and one subset unspecified",
    allocator: "specific",
    input: { subsets: subsets([["a", 2], "b"]) },
    expected: "SubsetReplicasUnspecified",
  },
  {
    name: "spec.replicas unset: a percentage cannot be read",
    allocator: "specific",
    problems: 1,
    input: {
      subsets: subsets([
        ["a", "50%"],
        ["b", 3],
      ]),
    },
    expected: "SubsetReplicasUnspecified",
  },
  {
    name: "no subsets at all but replicas wanted",
    allocator: "specific",
    input: { replicas: 3, subsets: [] },
    expected: "SpecifiedReplicasBelowTotal",
  },
  // ---- elastic: mins in declaration order, then up to the maxes in declaration order ----
  {
    name: "sum of mins = total",
    allocator: "elastic",
    input: {
      replicas: 10,
      subsets: subsets([
        ["s0", 2, 5],
        ["s1", 2, 5],
        ["s2", 2, 5],
        ["s3", 2, 5],
        ["s4", 2, undefined],
      ]),
    },
    expected: { s0: 2, s1: 2, s2: 2, s3: 2, s4: 2 },
  },
  {
    name: "sum of mins < total: the first ones fill to max",
    allocator: "elastic",
    input: {
      replicas: 14,
      subsets: subsets([
        ["s0", 2, 5],
        ["s1", 2, 5],
        ["s2", 2, 5],
        ["s3", 2, 5],
        ["s4", 2, undefined],
      ]),
    },
    expected: { s0: 5, s1: 3, s2: 2, s3: 2, s4: 2 },
  },
  {
    name: "sum of mins > total: filled in order until it runs out",
    allocator: "elastic",
    input: {
      replicas: 5,
      subsets: subsets([
        ["s0", 2, 5],
        ["s1", 2, 5],
        ["s2", 2, 5],
        ["s3", 2, 5],
        ["s4", 2, undefined],
      ]),
    },
    expected: { s0: 2, s1: 2, s2: 1, s3: 0, s4: 0 },
  },
  {
    name: "the documented example: 5 over a [2,4], b [2,∞)",
    allocator: "elastic",
    input: {
      replicas: 5,
      subsets: subsets([
        ["a", 2, 4],
        ["b", 2, undefined],
      ]),
    },
    expected: { a: 3, b: 2 },
  },
  {
    name: "percent bounds: a [20%, 50%] of 10",
    allocator: "elastic",
    input: { replicas: 10, subsets: subsets([["a", "20%", "50%"], "b"]) },
    expected: { a: 5, b: 5 },
  },
  {
    name: "only maxes: each capped in order, the unbounded one takes the rest",
    allocator: "elastic",
    input: { replicas: 10, subsets: subsets([["a", undefined, 2], ["b", undefined, 3], "c"]) },
    expected: { a: 2, b: 3, c: 5 },
  },
  {
    name: "every subset capped: short of the total (the webhook requires one without max)",
    allocator: "elastic",
    input: {
      replicas: 10,
      subsets: subsets([
        ["a", undefined, 3],
        ["b", undefined, 3],
      ]),
    },
    expected: { a: 3, b: 3 },
  },
  {
    name: "spec.replicas unset reads as 0",
    allocator: "elastic",
    input: { subsets: subsets([["a", 1, 3], "b"]) },
    expected: { a: 0, b: 0 },
  },
  {
    name: "an unreadable max counts as 0",
    allocator: "elastic",
    problems: 1,
    input: { replicas: 6, subsets: subsets([["a", undefined, "x"], "b"]) },
    expected: { a: 0, b: 6 },
  },
  {
    name: "min above max is refused",
    allocator: "elastic",
    input: { replicas: 6, subsets: subsets([["a", 4, 2], "b"]) },
    expected: "MaxReplicasBelowMin",
  },
  {
    name: "elastic ignores the current replicas",
    allocator: "elastic",
    input: { replicas: 4, subsets: subsets([["a", 1, 2], "b"]), current: now({ a: 0, b: 9 }) },
    expected: { a: 2, b: 2 },
  },
  // ---- adaptive: an unschedulable subset keeps its ready pods, the rest flows on ----
  ...(
    [
      [0, { s1: 2, s2: 8 }],
      [1, { s1: 2, s2: 8 }],
      [3, { s1: 3, s2: 7 }],
      [4, { s1: 4, s2: 6 }],
      [5, { s1: 5, s2: 5 }],
    ] as Array<[number, Record<string, number>]>
  ).map(([ready, expected]): Row => ({
    name: `unschedulable s1 [2,4] with ${ready} ready of 10`,
    allocator: "adaptive",
    input: {
      replicas: 10,
      scheduleStrategy: "Adaptive",
      subsets: subsets([["s1", 2, 4], "s2"]),
      current: now({ s1: { replicas: 4, unschedulable: true, readyReplicas: ready } }),
    },
    expected,
  })),
  {
    name: "schedulable s1 [2,4]: ready 1 + 1, total 2",
    allocator: "adaptive",
    input: {
      replicas: 2,
      scheduleStrategy: "Adaptive",
      subsets: subsets([["s1", 2, 4], "s2"]),
      current: now({ s1: { replicas: 1, readyReplicas: 1 }, s2: { replicas: 1, readyReplicas: 1 } }),
    },
    expected: { s1: 2, s2: 0 },
  },
  {
    name: "schedulable s1 [2,4]: ready pods kept (3 + 1 of 4)",
    allocator: "adaptive",
    input: {
      replicas: 4,
      scheduleStrategy: "Adaptive",
      subsets: subsets([["s1", 2, 4], "s2"]),
      current: now({ s1: { replicas: 3, readyReplicas: 3 }, s2: { replicas: 1, readyReplicas: 1 } }),
    },
    expected: { s1: 3, s2: 1 },
  },
  {
    name: "schedulable s1 [2,4]: its min wins over s2's ready pods (0 + 4 of 4)",
    allocator: "adaptive",
    input: {
      replicas: 4,
      scheduleStrategy: "Adaptive",
      subsets: subsets([["s1", 2, 4], "s2"]),
      current: now({ s1: { replicas: 0, readyReplicas: 0 }, s2: { replicas: 4, readyReplicas: 4 } }),
    },
    expected: { s1: 2, s2: 2 },
  },
  {
    name: "adaptive over new subsets is the elastic fill",
    allocator: "adaptive",
    input: { replicas: 6, scheduleStrategy: "Adaptive", subsets: subsets([["a", 1, 3], "b"]) },
    expected: { a: 3, b: 3 },
  },
  {
    name: "unschedulable middle zone: its pending replicas go to the last",
    allocator: "adaptive",
    input: {
      replicas: 6,
      scheduleStrategy: "Adaptive",
      subsets: subsets([["a", undefined, 2], ["b", undefined, 2], "c"]),
      current: now({
        a: { replicas: 2, readyReplicas: 2 },
        b: { replicas: 2, unschedulable: true, readyReplicas: 0 },
        c: { replicas: 2, readyReplicas: 2 },
      }),
    },
    expected: { a: 2, b: 0, c: 4 },
  },
  {
    name: "adaptive min above max is refused",
    allocator: "adaptive",
    input: { replicas: 4, scheduleStrategy: "Adaptive", subsets: subsets([["s1", 4, 2], "s2"]) },
    expected: "MaxReplicasBelowMin",
  },
  // ---- reservation (Adaptive + reserveUnschedulablePods): diffs from the current replicas ----
  {
    name: "reserved pods stay, stand-ins go to the allocatable subset",
    allocator: "reservation",
    input: {
      replicas: 4,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets(["a", "b"]),
      current: now({ a: { replicas: 4, unschedulable: true, normalPods: 2, reservedPods: 2 } }),
    },
    expected: { a: 4, b: 2 },
  },
  {
    name: "scale down from the last subset backwards",
    allocator: "reservation",
    input: {
      replicas: 2,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets(["a", "b"]),
      current: now({ a: { replicas: 3, normalPods: 3 }, b: { replicas: 1, normalPods: 1 } }),
    },
    expected: { a: 2, b: 0 },
  },
  {
    name: "an unschedulable subset losing normal pods drops its reserved ones",
    allocator: "reservation",
    input: {
      replicas: 1,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets(["a", "b"]),
      current: now({ a: { replicas: 4, unschedulable: true, normalPods: 2, reservedPods: 2 } }),
    },
    expected: { a: 1, b: 0 },
  },
  {
    name: "an unschedulable subset is capped at spec.replicas",
    allocator: "reservation",
    input: {
      replicas: 2,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets(["a", "b"]),
      current: now({
        a: { replicas: 4, unschedulable: true, normalPods: 2, reservedPods: 2 },
        b: { replicas: 2, normalPods: 2 },
      }),
    },
    expected: { a: 2, b: 0 },
  },
  {
    name: "a recovering (previously unschedulable) subset gets no new pods",
    allocator: "reservation",
    input: {
      replicas: 4,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets(["a", "b"]),
      current: now({ a: { replicas: 2, previouslyUnschedulable: true, normalPods: 2 } }),
    },
    expected: { a: 2, b: 2 },
  },
  {
    name: "an unschedulable subset is pulled back under its max",
    allocator: "reservation",
    input: {
      replicas: 3,
      scheduleStrategy: "Adaptive",
      reserveUnschedulablePods: true,
      subsets: subsets([["a", undefined, 2], "b"]),
      current: now({ a: { replicas: 3, unschedulable: true, normalPods: 1, reservedPods: 2 } }),
    },
    expected: { a: 2, b: 2 },
  },
];

describe("allocateSubsetReplicas (OpenKruise's UnitedDeployment allocators)", () => {
  it("has at least 30 cases", () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });
  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    expect(subsetAllocatorFor(row.input)).toBe(row.allocator);
    const result = allocateSubsetReplicas(row.input);
    expect(result.allocator).toBe(row.allocator);
    if (typeof row.expected === "string") {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.reason).toBe(row.expected);
    } else {
      expect(result.ok ? result.replicas : result.error).toStrictEqual(row.expected);
    }
    expect(result.problems).toHaveLength(row.problems ?? 0);
  });
});

describe("refusals name the field and become OpenKruise's Warning Event", () => {
  it("min above max names the subset's maxReplicas", () => {
    const result = allocateSubsetReplicas({ replicas: 6, subsets: subsets(["a", ["b", 4, 2]]) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.field).toBe("spec.topology.subsets[1].maxReplicas");
    expect(subsetAllocationFailureEvent(result.error)).toStrictEqual({
      type: "Warning",
      reason: "Failed SpecifySubsetReplicas",
      message:
        "Specified subset replicas is ineffective: subset[1].maxReplicas(2) must be more than or equal to minReplicas(4)",
    });
  });
  it("fixed sum above total says both numbers", () => {
    const result = allocateSubsetReplicas({
      replicas: 14,
      subsets: subsets([
        ["a", 10],
        ["b", 11],
      ]),
    });
    expect(result.ok ? "" : result.error.message).toBe(
      "specified subsets' replica (21) is greater than UnitedDeployment replica (14)",
    );
  });
  it("an unreadable value is reported with its field", () => {
    const result = allocateSubsetReplicas({ replicas: 6, subsets: subsets([["a", "5"], "b"]) });
    expect(result.problems[0]?.field).toBe("spec.topology.subsets[0].replicas");
  });
});

describe("parseSubsetReplicas", () => {
  const rows: Array<[number, IntOrString, number | null]> = [
    [10, 3, 3],
    [10, "30%", 3],
    [5, "50%", 3],
    [3, "50%", 2],
    [1, "50%", 1],
    [1, "49%", 0],
    [10, "+20%", 2],
    [10, "101%", null],
    [10, "-1%", null],
    [10, "abc%", null],
    [10, "5", null],
    [-1, "50%", null],
    [-1, 4, 4],
    [10, -1, null],
  ];
  it.each(rows)("of %i, %j is %j", (total, value, expected) => {
    const parsed = parseSubsetReplicas(total, value);
    expect(parsed.ok ? parsed.value : null).toBe(expected);
  });
});
