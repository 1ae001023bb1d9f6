import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  calculateExpectationDiffs,
  isDiffsEmpty,
  NO_EXPECTATION_DIFFS,
  type ExpectationDiffs,
  type IntOrString,
  type ScaleStrategyParams,
} from "../src/index.ts";
import { NOW, pod, pods } from "./helpers.ts";

const OLD = "demo-old";
const NEW = "demo-new";
const N = "Normal";

interface Row {
  name: string;
  replicas: number;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  paused?: boolean;
  scale?: ScaleStrategyParams;
  pods: Pod[];
  /** current revision == update revision */
  consistent?: boolean;
  partitionRollback?: boolean;
  expected: Partial<ExpectationDiffs>;
}

const ready = (rev: string, extra: Parameters<typeof pod>[0] = {}): Pod =>
  pod({ revision: rev, state: N, ready: true, ...extra });
const unready = (rev: string, extra: Parameters<typeof pod>[0] = {}): Pod =>
  pod({ revision: rev, state: N, ...extra });

// Rows follow OpenKruise's calculateDiffsWithExpectation (pkg/controller/cloneset/sync/cloneset_sync_utils.go),
// worked by hand from its rules; several mirror the upstream table's multi-step scenarios.
const rows: Row[] = [
  { name: "empty workload", replicas: 0, maxUnavailable: 1, pods: [], expected: {} },
  {
    name: "scale up from nothing",
    replicas: 5,
    maxUnavailable: 1,
    pods: [],
    expected: { scaleUpNum: 5, scaleUpLimit: 5 },
  },
  {
    name: "steady state",
    replicas: 5,
    maxUnavailable: 1,
    pods: pods(5, { revision: NEW, state: N, ready: true }),
    expected: {},
  },
  {
    name: "scale up by one",
    replicas: 5,
    maxUnavailable: 1,
    pods: pods(4, { revision: NEW, state: N, ready: true }),
    expected: { scaleUpNum: 1, scaleUpLimit: 1 },
  },
  {
    name: "scale down by two, partition ratio kept (one old, one new)",
    replicas: 3,
    partition: 1,
    maxUnavailable: 1,
    pods: [ready(OLD), ready(OLD), ready(NEW), ready(NEW), ready(NEW)],
    expected: { scaleDownNum: 2, scaleDownNumOldRevision: 1, deleteReadyLimit: 3 },
  },
  {
    name: "specified delete of one ready pod: delete budget 1, no scale",
    replicas: 5,
    maxUnavailable: 1,
    pods: [ready(NEW, { specifiedDelete: true }), ...pods(4, { revision: NEW, state: N, ready: true })],
    expected: { deleteReadyLimit: 1 },
  },
  {
    name: "specified delete via podsToDelete counts the same as the label",
    replicas: 5,
    maxUnavailable: 1,
    scale: { podsToDelete: ["victim"] },
    pods: [ready(NEW, { name: "victim" }), ...pods(4, { revision: NEW, state: N, ready: true })],
    expected: { deleteReadyLimit: 1 },
  },
  {
    name: "specified delete while replicas shrink: the marked pods are the ones removed",
    replicas: 4,
    maxUnavailable: 1,
    pods: [
      unready(NEW, { specifiedDelete: true }),
      unready(NEW, { specifiedDelete: true }),
      ...pods(3, { revision: NEW, state: N, ready: true }),
    ],
    expected: { deleteReadyLimit: 2 },
  },
  {
    name: "partition 3: update two old pods",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    pods: pods(5, { revision: OLD, state: N, ready: true }),
    expected: { updateNum: 2, updateMaxUnavailable: 1 },
  },
  {
    name: "partition 3: one updated, one to go",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    pods: [ready(NEW), ...pods(4, { revision: OLD, state: N, ready: true })],
    expected: { updateNum: 1, updateMaxUnavailable: 1 },
  },
  {
    name: "partition 3: done",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    pods: [ready(NEW), ready(NEW), ready(OLD), ready(OLD), ready(OLD)],
    expected: {},
  },
  {
    name: "partition percent 40% of 5 rounds up to 2 kept",
    replicas: 5,
    partition: "40%",
    maxUnavailable: 5,
    pods: pods(5, { revision: OLD, state: N, ready: true }),
    expected: { updateNum: 3, updateMaxUnavailable: 5 },
  },
  {
    name: "partition raised without the rollback gate: nothing moves back",
    replicas: 5,
    partition: 4,
    maxUnavailable: 2,
    pods: [...pods(4, { revision: NEW, state: N, ready: true }), ready(OLD)],
    expected: {},
  },
  {
    name: "partition raised with CloneSetPartitionRollback: three pods roll back",
    replicas: 5,
    partition: 4,
    maxUnavailable: 2,
    partitionRollback: true,
    pods: [...pods(4, { revision: NEW, state: N, ready: true }), ready(OLD)],
    expected: { updateNum: -3, updateMaxUnavailable: 2 },
  },
  {
    name: "specified delete with maxSurge 1: surge a replacement first",
    replicas: 5,
    maxUnavailable: 0,
    maxSurge: 1,
    pods: [ready(NEW, { specifiedDelete: true }), ...pods(4, { revision: NEW, state: N, ready: true })],
    expected: { scaleUpNum: 1, scaleUpLimit: 1, useSurge: 1 },
  },
  {
    name: "specified delete with maxSurge 1: replacement not ready yet, nothing to delete",
    replicas: 5,
    maxUnavailable: 0,
    maxSurge: 1,
    pods: [
      ready(NEW, { specifiedDelete: true }),
      ...pods(4, { revision: NEW, state: N, ready: true }),
      unready(NEW),
    ],
    expected: { useSurge: 1 },
  },
  {
    name: "specified delete with maxSurge 1: replacement ready, one ready pod may go",
    replicas: 5,
    maxUnavailable: 0,
    maxSurge: 1,
    pods: [ready(NEW, { specifiedDelete: true }), ...pods(5, { revision: NEW, state: N, ready: true })],
    expected: { useSurge: 1, deleteReadyLimit: 1 },
  },
  {
    name: "in-place with partition 3 and maxSurge 1: surge one new pod while updating",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    maxSurge: 1,
    pods: pods(5, { revision: OLD, state: N, ready: true }),
    expected: { scaleUpNum: 1, scaleUpLimit: 1, useSurge: 1, updateNum: 2, updateMaxUnavailable: 1 },
  },
  {
    name: "in-place with partition 3 and maxSurge 1: surge pod created, update one",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    maxSurge: 1,
    pods: [...pods(5, { revision: OLD, state: N, ready: true }), unready(NEW)],
    expected: { useSurge: 1, updateNum: 1, updateMaxUnavailable: 2 },
  },
  {
    name: "in-place with partition 3 and maxSurge 1: updated enough, give the surge back (not yet ready)",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    maxSurge: 1,
    pods: [
      ...pods(4, { revision: OLD, state: N, ready: true }),
      unready(NEW, { state: "Updating" }),
      unready(NEW),
    ],
    expected: { scaleDownNum: 1, scaleDownNumOldRevision: 1 },
  },
  {
    name: "in-place with partition 3 and maxSurge 1: give the surge back once available",
    replicas: 5,
    partition: 3,
    maxUnavailable: 1,
    maxSurge: 1,
    pods: [...pods(4, { revision: OLD, state: N, ready: true }), ready(NEW), unready(NEW)],
    expected: { scaleDownNum: 1, scaleDownNumOldRevision: 1, deleteReadyLimit: 1 },
  },
  {
    name: "revisions consistent: pods off the revision still update",
    replicas: 5,
    partition: 1,
    maxUnavailable: 1,
    consistent: true,
    pods: [ready(OLD), ready(OLD), ready(OLD), ready(NEW), ready(NEW)],
    expected: { updateNum: 2, updateMaxUnavailable: 1 },
  },
  {
    name: "paused turns maxSurge off, so no surge pod is created",
    replicas: 5,
    maxUnavailable: 1,
    maxSurge: 1,
    paused: true,
    pods: pods(5, { revision: OLD, state: N, ready: true }),
    expected: { updateNum: 5, updateMaxUnavailable: 1 },
  },
  {
    name: "scaleStrategy.maxUnavailable 1 with two unavailable pods holds creation back",
    replicas: 5,
    scale: { maxUnavailable: 1 },
    pods: pods(2, { revision: NEW, state: N }),
    expected: { scaleUpNum: 3, scaleUpLimit: 0 },
  },
  {
    name: "scaleStrategy.maxUnavailable 50% of 5 = 3 with two unavailable allows one",
    replicas: 5,
    scale: { maxUnavailable: "50%" },
    pods: pods(2, { revision: NEW, state: N }),
    expected: { scaleUpNum: 3, scaleUpLimit: 1 },
  },
  {
    name: "PreparingDelete pod counts towards replicas by default",
    replicas: 3,
    pods: [...pods(3, { revision: NEW, state: N, ready: true }), ready(NEW, { state: "PreparingDelete" })],
    expected: { scaleDownNum: 1, deleteReadyLimit: 1 },
  },
  {
    name: "excludePreparingDelete: a PreparingDelete pod no longer counts",
    replicas: 3,
    scale: { excludePreparingDelete: true },
    pods: [...pods(3, { revision: NEW, state: N, ready: true }), ready(NEW, { state: "PreparingDelete" })],
    expected: {},
  },
  {
    name: "excludePreparingDelete: replacement for a PreparingDelete pod is created",
    replicas: 3,
    scale: { excludePreparingDelete: true },
    pods: [...pods(2, { revision: NEW, state: N, ready: true }), ready(NEW, { state: "PreparingDelete" })],
    expected: { scaleUpNum: 1, scaleUpLimit: 1 },
  },
  {
    name: "scale up during a partitioned update: new pods keep the old count at the partition",
    replicas: 6,
    partition: 3,
    maxUnavailable: 1,
    pods: [ready(OLD), ready(OLD), ready(NEW), ready(NEW)],
    expected: { scaleUpNum: 2, scaleUpNumOldRevision: 1, scaleUpLimit: 2 },
  },
  {
    name: "unavailable pods shrink the delete budget",
    replicas: 3,
    maxUnavailable: 1,
    pods: [...pods(3, { revision: NEW, state: N, ready: true }), unready(NEW), unready(NEW)],
    expected: { scaleDownNum: 2, deleteReadyLimit: 1 },
  },
];

describe("calculateExpectationDiffs", () => {
  it.each(rows)("$name", (row) => {
    const diffs = calculateExpectationDiffs({
      replicas: row.replicas,
      pods: row.pods,
      currentRevision: row.consistent === true ? NEW : OLD,
      updateRevision: NEW,
      updateStrategy: {
        ...(row.partition !== undefined ? { partition: row.partition } : {}),
        ...(row.maxUnavailable !== undefined ? { maxUnavailable: row.maxUnavailable } : {}),
        ...(row.maxSurge !== undefined ? { maxSurge: row.maxSurge } : {}),
        ...(row.paused !== undefined ? { paused: row.paused } : {}),
      },
      ...(row.scale !== undefined ? { scaleStrategy: row.scale } : {}),
      ...(row.partitionRollback !== undefined ? { partitionRollback: row.partitionRollback } : {}),
      now: NOW,
    });
    const full: ExpectationDiffs = { ...NO_EXPECTATION_DIFFS, ...row.expected };
    expect(diffs).toEqual(full);
    expect(isDiffsEmpty(diffs)).toBe(Object.keys(row.expected).length === 0);
  });

  // IsPodAvailable in cloneset_sync_utils.go: minReadySeconds delays availability, which feeds the budgets.
  it("a pod ready for less than minReadySeconds is unavailable", () => {
    const input = {
      replicas: 3,
      pods: [
        pod({ revision: NEW, state: N, ready: true, readyForSeconds: 5 }),
        ...pods(3, { revision: NEW, state: N, ready: true }),
      ],
      currentRevision: NEW,
      updateRevision: NEW,
      updateStrategy: { maxUnavailable: 1 },
      now: NOW,
    };
    expect(calculateExpectationDiffs({ ...input, minReadySeconds: 10 }).deleteReadyLimit).toBe(1);
    expect(calculateExpectationDiffs({ ...input, minReadySeconds: 0 }).deleteReadyLimit).toBe(2);
  });
});
