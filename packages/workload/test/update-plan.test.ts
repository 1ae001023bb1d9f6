import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { decidePodUpdate, planUpdate, type UpdatePlanInput } from "../src/index.ts";
import { NOW, names, pod, pods } from "./helpers.ts";

const OLD = "demo-old";
const NEW = "demo-new";
const N = "Normal";

function input(
  replicas: number,
  list: Pod[],
  strategy: UpdatePlanInput["updateStrategy"],
  extra: Partial<UpdatePlanInput> = {},
): UpdatePlanInput {
  return {
    replicas,
    pods: list,
    currentRevision: OLD,
    updateRevision: NEW,
    updateStrategy: strategy,
    now: NOW,
    ...extra,
  };
}

describe("planUpdate", () => {
  // cloneset_update.go limitUpdateIndexes: unavailable pods (all revisions) stay within maxUnavailable.
  it.each([
    ["maxUnavailable 1 updates one pod per wave", 1, 1],
    ["maxUnavailable 2 updates two", 2, 2],
    ["maxUnavailable 100% updates all", "100%", 5],
  ] as Array<[string, number | string, number]>)("%s", (_n, maxUnavailable, expected) => {
    const plan = planUpdate(input(5, pods(5, { revision: OLD, state: N, ready: true }), { maxUnavailable }));
    expect(plan.pods).toHaveLength(expected);
    expect(plan.targetRevision).toBe(NEW);
  });

  it("partition limits how many move", () => {
    expect(
      planUpdate(
        input(5, pods(5, { revision: OLD, state: N, ready: true }), { maxUnavailable: 5, partition: 3 }),
      ).pods,
    ).toHaveLength(2);
    expect(
      planUpdate(
        input(4, pods(4, { revision: OLD, state: N, ready: true }), { maxUnavailable: 5, partition: "99%" }),
      ).pods,
    ).toHaveLength(1);
  });

  it("an updated pod that is still unavailable uses up the budget", () => {
    const list = [
      pod({ revision: NEW, state: "Updating" }),
      ...pods(4, { revision: OLD, state: N, ready: true }),
    ];
    expect(planUpdate(input(5, list, { maxUnavailable: 1 })).pods).toHaveLength(0);
  });

  it("updating an already-unavailable old pod costs no budget", () => {
    const broken = pod({ name: "broken", revision: OLD, state: N, phase: "Running" });
    const list = [broken, ...pods(4, { revision: OLD, state: N, ready: true })];
    const plan = planUpdate(input(5, list, { maxUnavailable: 1 }));
    // The broken pod goes first (not ready sorts first) and is free; one ready pod uses the single slot.
    expect(plan.pods).toHaveLength(1);
    expect(names(plan.pods)).toEqual(["broken"]);
  });

  // cloneset_update.go: paused (and OnDelete) update nothing; scaling is separate.
  it.each([{ paused: true }, { type: "OnDelete" as const }])("no updates with %j", (strategy) => {
    expect(
      planUpdate(
        input(3, pods(3, { revision: OLD, state: N, ready: true }), { maxUnavailable: 3, ...strategy }),
      ).pods,
    ).toEqual([]);
  });

  // cloneset_update.go: PreparingDelete pods and pods in an in-place grace period are skipped.
  it("skips PreparingDelete pods and pods in a grace period", () => {
    const grace = pod({
      name: "grace",
      revision: OLD,
      state: N,
      ready: true,
      annotations: { "apps.kruise.io/inplace-update-grace": "{}" },
    });
    const deleting = pod({ name: "deleting", revision: OLD, state: "PreparingDelete", ready: true });
    const ok = pod({ name: "ok", revision: OLD, state: N, ready: true });
    const plan = planUpdate(input(3, [grace, deleting, ok], { maxUnavailable: 3 }));
    expect(names(plan.pods)).toEqual(["ok"]);
  });

  it("rolls pods back to the current revision with CloneSetPartitionRollback", () => {
    const list = [
      ...pods(4, { revision: NEW, state: N, ready: true }),
      pod({ revision: OLD, state: N, ready: true }),
    ];
    const plan = planUpdate(input(5, list, { maxUnavailable: 5, partition: 4 }, { partitionRollback: true }));
    expect(plan.targetRevision).toBe(OLD);
    expect(plan.pods).toHaveLength(3);
  });

  it("priority decides which pods go first", () => {
    const list = [
      pod({ name: "plain", revision: OLD, state: N, ready: true }),
      pod({ name: "canary", revision: OLD, state: N, ready: true, labels: { canary: "true" } }),
    ];
    const plan = planUpdate(
      input(2, list, {
        maxUnavailable: 1,
        priorityStrategy: {
          weightPriority: [{ weight: 10, matchSelector: { matchLabels: { canary: "true" } } }],
        },
      }),
    );
    expect(names(plan.pods)).toEqual(["canary"]);
  });
});

describe("decidePodUpdate", () => {
  const from: PodTemplateSpec = { spec: { containers: [{ name: "main", image: "nginx:1" }] } };
  const imageOnly: PodTemplateSpec = { spec: { containers: [{ name: "main", image: "nginx:2" }] } };
  const envChange: PodTemplateSpec = {
    spec: { containers: [{ name: "main", image: "nginx:1", env: [{ name: "A", value: "1" }] }] },
  };
  const p = pod({ revision: OLD, state: N, ready: true });
  // cloneset_update.go updatePod: in place when possible; ReCreate or a non-image change recreates; InPlaceOnly errors.
  it.each([
    ["ReCreate always recreates", "ReCreate", imageOnly, "recreate"],
    ["InPlaceIfPossible with image change goes in place", "InPlaceIfPossible", imageOnly, "inPlace"],
    ["InPlaceIfPossible with env change recreates", "InPlaceIfPossible", envChange, "recreate"],
    ["InPlaceOnly with image change goes in place", "InPlaceOnly", imageOnly, "inPlace"],
    ["InPlaceOnly with env change errors", "InPlaceOnly", envChange, "error"],
  ] as const)("%s", (_n, policy, to, kind) => {
    expect(
      decidePodUpdate({ pod: p, policy, fromTemplate: from, toTemplate: to, toRevision: NEW }).kind,
    ).toBe(kind);
  });

  it("a VCT change forces recreate for InPlaceIfPossible but not InPlaceOnly", () => {
    const base = {
      pod: p,
      fromTemplate: from,
      toTemplate: imageOnly,
      toRevision: NEW,
      forceRecreateReason: "volumeClaimTemplates changed",
    };
    expect(decidePodUpdate({ ...base, policy: "InPlaceIfPossible" })).toEqual({
      kind: "recreate",
      reason: "volumeClaimTemplates changed",
    });
    expect(decidePodUpdate({ ...base, policy: "InPlaceOnly" }).kind).toBe("inPlace");
  });

  it("an inPlaceUpdate hook first moves the pod to PreparingUpdate", () => {
    const hooked = pod({ revision: OLD, state: N, ready: true, labels: { hold: "true" } });
    const d = decidePodUpdate({
      pod: hooked,
      policy: "InPlaceIfPossible",
      fromTemplate: from,
      toTemplate: imageOnly,
      toRevision: NEW,
      lifecycle: { inPlaceUpdate: { labelsHandler: { hold: "true" } } },
    });
    expect(d).toMatchObject({ kind: "lifecycle", transition: { to: "PreparingUpdate" } });
  });
});
