// Pure status maths, table-driven: OpenKruise's CloneSet status fields and the Progressing condition.
import { describe, expect, it } from "vitest";
import type { CloneSet, CloneSetStatus } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { progressingCondition } from "../src/progress.ts";
import { jsonEqual, labelSelectorString, setCondition } from "@kruise/workload";
import { calculateStatus } from "../src/status.ts";
import { cloneSetParams } from "../src/strategy.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const LONG_AGO = "2026-01-01T00:00:00Z";

function pod(
  name: string,
  o: { rev?: string; ready?: boolean; readySince?: string; inPlaceReady?: boolean; state?: string } = {},
): Pod {
  const conditions = [
    {
      type: "Ready",
      status: o.ready === false ? "False" : "True",
      lastTransitionTime: o.readySince ?? LONG_AGO,
    },
  ];
  if (o.inPlaceReady !== undefined)
    conditions.push({
      type: "InPlaceUpdateReady",
      status: o.inPlaceReady ? "True" : "False",
      lastTransitionTime: LONG_AGO,
    });
  return {
    metadata: {
      name,
      labels: {
        "controller-revision-hash": o.rev ?? "cs-new",
        ...(o.state ? { "lifecycle.apps.kruise.io/state": o.state } : {}),
      },
    },
    spec: { containers: [] },
    status: { phase: "Running", conditions },
  };
}

function cs(spec: Partial<NonNullable<CloneSet["spec"]>> = {}, status?: CloneSetStatus): CloneSet {
  return {
    metadata: { name: "cs", namespace: "ns", generation: 7 },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: "x" } },
      template: { metadata: { labels: { app: "x" } } },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

describe("calculateStatus", () => {
  // OpenKruise: ready = Running+Ready+InPlaceUpdateReady not False; available adds minReadySeconds and state Normal;
  // expectedUpdatedReplicas = replicas - partition; currentRevision follows updateRevision once all pods are updated.
  const rows: Array<{
    name: string;
    spec?: Partial<NonNullable<CloneSet["spec"]>>;
    pods: Pod[];
    want: Partial<CloneSetStatus>;
  }> = [
    {
      name: "all updated and ready: current follows update",
      pods: [pod("a"), pod("b"), pod("c"), pod("d")],
      want: {
        replicas: 4,
        readyReplicas: 4,
        availableReplicas: 4,
        updatedReplicas: 4,
        updatedReadyReplicas: 4,
        updatedAvailableReplicas: 4,
        expectedUpdatedReplicas: 4,
        currentRevision: "cs-new",
      },
    },
    {
      name: "partition 50% keeps current; in-place-updating pod is not ready",
      spec: { updateStrategy: { partition: "50%" } },
      pods: [
        pod("a", { rev: "cs-old" }),
        pod("b", { rev: "cs-old" }),
        pod("c"),
        pod("d", { inPlaceReady: false }),
      ],
      want: {
        readyReplicas: 3,
        updatedReplicas: 2,
        updatedReadyReplicas: 1,
        expectedUpdatedReplicas: 2,
        currentRevision: "cs-old",
      },
    },
    {
      name: "minReadySeconds and lifecycle state decide availability",
      spec: { minReadySeconds: 60 },
      pods: [
        pod("a", { readySince: "2026-01-01T00:09:30Z" }),
        pod("b", { state: "PreparingDelete" }),
        pod("c"),
        pod("d"),
      ],
      want: { readyReplicas: 4, availableReplicas: 2, updatedAvailableReplicas: 2 },
    },
    {
      name: "fewer pods than replicas keeps the old current revision",
      pods: [pod("a"), pod("b")],
      want: { replicas: 2, updatedReplicas: 2, currentRevision: "cs-old" },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const c = cs(row.spec);
      const status = calculateStatus({
        cloneSet: c,
        params: cloneSetParams(c),
        pods: row.pods,
        updateRevision: "cs-new",
        currentRevision: "cs-old",
        collisionCount: 0,
        now: NOW,
      });
      expect(status).toMatchObject({
        observedGeneration: 7,
        labelSelector: "app=x",
        updateRevision: "cs-new",
        ...row.want,
      });
    });
  }
});

describe("labelSelectorString", () => {
  it.each([
    [{ matchLabels: { b: "2", a: "1" } }, "a=1,b=2"],
    [
      { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }] },
      "app=x,tier in (a,b)",
    ],
    [
      {
        matchExpressions: [
          { key: "x", operator: "Exists" },
          { key: "y", operator: "DoesNotExist" },
          { key: "z", operator: "NotIn", values: ["1"] },
        ],
      },
      "x,!y,z notin (1)",
    ],
    // labels.Selector.String(): one list of requirements sorted by key, whether from matchLabels or expressions.
    [
      {
        matchLabels: { zone: "a", app: "x" },
        matchExpressions: [
          { key: "tier", operator: "In", values: ["b", "a"] },
          { key: "beta", operator: "Exists" },
        ],
      },
      "app=x,beta,tier in (a,b),zone=a",
    ],
    [{ matchExpressions: [{ key: "b", operator: "DoesNotExist" }], matchLabels: { a: "1" } }, "a=1,!b"],
  ])("%j → %s", (selector, want) => expect(labelSelectorString(selector)).toBe(want));
});

describe("setCondition / jsonEqual", () => {
  it("keeps lastTransitionTime when the status does not change, and ignores key order", () => {
    const first = setCondition(undefined, {
      type: "FailedScale",
      status: "True",
      message: "a",
      lastTransitionTime: "t1",
    });
    const second = setCondition(first, {
      type: "FailedScale",
      status: "True",
      message: "b",
      lastTransitionTime: "t2",
    });
    expect(second[0]?.lastTransitionTime).toBe("t1");
    expect(second[0]?.message).toBe("b");
    expect(jsonEqual({ replicas: 1, readyReplicas: 2 }, { readyReplicas: 2, replicas: 1 })).toBe(true);
    expect(jsonEqual({ replicas: 1 }, { replicas: 2 })).toBe(false);
  });
});

describe("progressingCondition", () => {
  const base: CloneSetStatus = {
    replicas: 4,
    updatedReplicas: 2,
    updatedReadyReplicas: 2,
    updatedAvailableReplicas: 2,
    expectedUpdatedReplicas: 4,
    updateRevision: "r2",
    currentRevision: "r1",
  };
  const cond = (reason: string, lastUpdateTime: string, status = "True"): CloneSetStatus["conditions"] => [
    {
      type: "Progressing",
      status: status as "True",
      reason,
      lastUpdateTime,
      lastTransitionTime: lastUpdateTime,
    },
  ];
  // OpenKruise's reasons in priority order: Available, Paused, PartitionAvailable, DeadlineExceeded, Updated.
  const rows: Array<{
    name: string;
    previous?: CloneSetStatus;
    next: CloneSetStatus;
    paused?: boolean;
    deadline?: number;
    want: { reason?: string; status?: string } | undefined;
  }> = [
    { name: "disabled without progressDeadlineSeconds", next: base, deadline: undefined, want: undefined },
    {
      name: "all available",
      next: { ...base, updatedReplicas: 4, updatedAvailableReplicas: 4, currentRevision: "r2" },
      want: { reason: "CloneSetAvailable", status: "True" },
    },
    { name: "paused", next: base, paused: true, want: { reason: "CloneSetPaused", status: "True" } },
    {
      name: "partition reached",
      next: { ...base, expectedUpdatedReplicas: 2 },
      want: { reason: "ProgressPartitionAvailable", status: "True" },
    },
    {
      name: "first observation is progress",
      next: base,
      want: { reason: "CloneSetUpdated", status: "True" },
    },
    {
      name: "no progress past the deadline",
      previous: { ...base, conditions: cond("CloneSetUpdated", "2026-01-01T00:09:00Z") },
      next: base,
      deadline: 30,
      want: { reason: "ProgressDeadlineExceeded", status: "False" },
    },
    {
      name: "no progress within the deadline keeps Updated",
      previous: { ...base, conditions: cond("CloneSetUpdated", "2026-01-01T00:09:50Z") },
      next: base,
      deadline: 30,
      want: { reason: "CloneSetUpdated", status: "True" },
    },
    {
      // OpenKruise: the deadline runs from the start of the rollout, and the condition stays.
      name: "pods updating after the deadline do not reset it",
      previous: { ...base, conditions: cond("ProgressDeadlineExceeded", "2026-01-01T00:05:00Z", "False") },
      next: { ...base, updatedAvailableReplicas: 3 },
      deadline: 30,
      want: { reason: "ProgressDeadlineExceeded", status: "False" },
    },
    {
      name: "more updated pods do not move the deadline: it counts from the rollout's start",
      previous: { ...base, conditions: cond("CloneSetUpdated", "2026-01-01T00:09:00Z") },
      next: { ...base, updatedReplicas: 3, updatedReadyReplicas: 3, updatedAvailableReplicas: 3 },
      deadline: 30,
      want: { reason: "ProgressDeadlineExceeded", status: "False" },
    },
    {
      name: "a new revision starts the deadline again, even after it was exceeded",
      previous: {
        ...base,
        updateRevision: "r1",
        conditions: cond("ProgressDeadlineExceeded", "2026-01-01T00:05:00Z", "False"),
      },
      next: base,
      deadline: 30,
      want: { reason: "CloneSetUpdated", status: "True" },
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = progressingCondition({
        previous: row.previous,
        next: row.next,
        specReplicas: 4,
        paused: row.paused === true,
        progressDeadlineSeconds: "deadline" in row ? row.deadline : 60,
        now: NOW,
      });
      if (row.want === undefined) expect(r.condition).toBeUndefined();
      else expect(r.condition).toMatchObject(row.want);
    });
  }
});
