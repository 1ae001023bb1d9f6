import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import {
  claimsForInstance,
  inPlaceUpdateMetadata,
  newInstancePod,
  planScale,
  prunePodsToDelete,
  type Lifecycle,
  type ScalePlanInput,
} from "../src/index.ts";
import { NOW, names, pod, pods } from "./helpers.ts";

const OLD = "demo-old";
const NEW = "demo-new";
const N = "Normal";

function input(replicas: number, list: Pod[], extra: Partial<ScalePlanInput> = {}): ScalePlanInput {
  return {
    replicas,
    pods: list,
    currentRevision: OLD,
    updateRevision: NEW,
    updateStrategy: { maxUnavailable: 1 },
    now: NOW,
    ...extra,
  };
}

const preDeleteHook: Lifecycle = { preDelete: { finalizersHandler: ["example.com/hold"] } };

describe("planScale", () => {
  // cloneset_scale.go Scale: create at most scaleUpLimit pods, old-revision ones first up to scaleUpNumOldRevision.
  it("creates pods split between current and update revision", () => {
    const plan = planScale(
      input(
        6,
        [pod({ revision: OLD, state: N, ready: true }), ...pods(3, { revision: NEW, state: N, ready: true })],
        { updateStrategy: { partition: 3, maxUnavailable: 1 } },
      ),
    );
    expect(plan.step).toEqual({ kind: "create", count: 2, currentRevisionCount: 2, updateRevisionCount: 0 });
  });

  // cloneset_scale.go: ScaleUpLimited event when scaleStrategy.maxUnavailable caps creations.
  it("reports when scaleStrategy.maxUnavailable holds creation back", () => {
    const plan = planScale(
      input(5, pods(2, { revision: NEW, state: N }), { scaleStrategy: { maxUnavailable: 1 } }),
    );
    expect(plan.step).toEqual({ kind: "create", count: 0, currentRevisionCount: 0, updateRevisionCount: 0 });
    expect(plan.scaleUpLimited).toEqual({ wanted: 3, limit: 0 });
  });

  // cloneset_scale.go choosePodsToDelete: old-revision pods beyond the partition go first, in deletion order.
  it("scale down removes the old pod beyond the partition, then the worst updated pod", () => {
    const list = [
      pod({ name: "old-a", revision: OLD, state: N, ready: true }),
      pod({ name: "old-b", revision: OLD, state: N, ready: true, readyForSeconds: 10 }),
      pod({ name: "new-a", revision: NEW, state: N, ready: true }),
      pod({ name: "new-b", revision: NEW, state: N, ready: true, node: "n1" }),
      pod({ name: "new-c", revision: NEW, state: N, ready: true, node: "n1" }),
    ];
    const plan = planScale(input(3, list, { updateStrategy: { partition: 1, maxUnavailable: 1 } }));
    expect(plan.step.kind).toBe("delete");
    if (plan.step.kind !== "delete") return;
    // old-b became ready more recently; new-a is unassigned, so it goes before the assigned ones.
    expect(names(plan.step.delete)).toEqual(["old-b", "new-a"]);
    expect(plan.step.reason).toBe("scaleDown");
  });

  // PreparingUpdateAsUpdate (revision.IsPodUpdate): a PreparingUpdate pod counts as updated, in the diffs and in
  // the groups scale-down picks from.
  it.each([
    // Off: two old pods for a partition of 1, so the worst old one goes (old-b: not available while preparing).
    ["gate off: an old pod goes, the one preparing its update", false, ["old-b"]],
    // On: old-b is in the updated group; nothing old is beyond the partition, and old-b is the worst updated pod.
    ["gate on: the PreparingUpdate pod is picked from the updated group", true, ["old-b"]],
  ])("%s", (_name, gate, want) => {
    const list = [
      pod({ name: "old-a", revision: OLD, state: N, ready: true, node: "n1" }),
      pod({ name: "old-b", revision: OLD, state: "PreparingUpdate", ready: true, node: "n2" }),
      pod({ name: "new-a", revision: NEW, state: N, ready: true, node: "n3" }),
    ];
    const isPodUpdated = (p: Pod, rev: string): boolean =>
      p.metadata?.labels?.["controller-revision-hash"] === rev ||
      p.metadata?.labels?.["lifecycle.apps.kruise.io/state"] === "PreparingUpdate";
    const plan = planScale(
      input(2, list, {
        updateStrategy: { partition: 1, maxUnavailable: 1 },
        ...(gate ? { isPodUpdated } : {}),
      }),
    );
    expect(plan.step.kind).toBe("delete");
    if (plan.step.kind !== "delete") return;
    expect(names(plan.step.delete)).toEqual(want);
  });

  // cloneset_scale.go: ready pods beyond deleteReadyLimit are held back; not-ready ones are always deleted.
  it("specified deletes respect the ready-pod budget", () => {
    const list = [
      pod({ name: "a", revision: NEW, state: N, ready: true, specifiedDelete: true }),
      pod({ name: "b", revision: NEW, state: N, ready: true, specifiedDelete: true }),
      pod({ name: "c", revision: NEW, state: N, specifiedDelete: true }),
      ...pods(5, { revision: NEW, state: N, ready: true }),
    ];
    // 8 pods, 8 replicas wanted, maxUnavailable 1 → one ready pod may go, plus every not-ready one.
    const plan = planScale(input(8, list, { currentRevision: NEW }));
    expect(plan.step.kind).toBe("delete");
    if (plan.step.kind !== "delete") return;
    expect(names(plan.step.delete)).toEqual(["a", "c"]);
    expect(plan.step.reason).toBe("specifiedDelete");
  });

  // cloneset_scale.go deletePods: a pod held by a preDelete hook goes to PreparingDelete instead.
  it("a preDelete hook turns deletion into PreparingDelete", () => {
    const held = pod({ name: "held", revision: NEW, state: N, ready: true, specifiedDelete: true });
    held.metadata = { ...held.metadata, finalizers: ["example.com/hold"] };
    const plan = planScale(
      input(3, [held, ...pods(2, { revision: NEW, state: N, ready: true })], {
        currentRevision: NEW,
        lifecycle: preDeleteHook,
        updateStrategy: { maxUnavailable: 1 },
      }),
    );
    expect(plan.step.kind).toBe("delete");
    if (plan.step.kind !== "delete") return;
    expect(plan.step.delete).toEqual([]);
    expect(names(plan.step.prepareDelete.map((p) => p.pod))).toEqual(["held"]);
    expect(plan.step.prepareDelete[0]?.transition.to).toBe("PreparingDelete");
  });

  // cloneset_scale.go: PreparingDelete pods are deleted once the hook is released.
  it("deletes a PreparingDelete pod once its hook is gone, waits while it holds", () => {
    const released = pod({
      name: "released",
      revision: NEW,
      state: "PreparingDelete",
      ready: true,
      specifiedDelete: true,
    });
    const held = pod({
      name: "held",
      revision: NEW,
      state: "PreparingDelete",
      ready: true,
      specifiedDelete: true,
    });
    held.metadata = { ...held.metadata, finalizers: ["example.com/hold"] };
    const base = pods(3, { revision: NEW, state: N, ready: true });
    const plan = planScale(
      input(3, [released, held, ...base], { currentRevision: NEW, lifecycle: preDeleteHook }),
    );
    expect(plan.step.kind).toBe("delete");
    if (plan.step.kind !== "delete") return;
    expect(names(plan.step.delete)).toEqual(["released"]);
    expect(plan.step.reason).toBe("preparingDelete");

    const waiting = planScale(input(3, [held, ...base], { currentRevision: NEW, lifecycle: preDeleteHook }));
    expect(waiting.step.kind).toBe("none");
  });

  // cloneset_scale.go managePreparingDelete: replicas went up, so a PreparingDelete pod is taken back.
  it("takes a PreparingDelete pod back when replicas grow", () => {
    const preparing = pod({ name: "preparing", revision: NEW, state: "PreparingDelete", ready: true });
    const plan = planScale(
      input(4, [preparing, ...pods(3, { revision: NEW, state: N, ready: true })], {
        currentRevision: NEW,
        lifecycle: preDeleteHook,
      }),
    );
    expect(plan.step).toEqual({ kind: "cancelPreparingDelete", pods: [preparing] });
    // Not when a hook marks pods NotReady: such a pod is never reused.
    const notReadyHook: Lifecycle = {
      preDelete: { finalizersHandler: ["example.com/hold"], markPodNotReady: true },
    };
    const kept = planScale(
      input(4, [preparing, ...pods(3, { revision: NEW, state: N, ready: true })], {
        currentRevision: NEW,
        lifecycle: notReadyHook,
      }),
    );
    expect(kept.step.kind).not.toBe("cancelPreparingDelete");
  });

  // cloneset_scale.go: while pods are being deleted, ordinary scale-down waits.
  it("ordinary scale down waits for pods already being deleted", () => {
    const list = [
      pod({ revision: NEW, state: "PreparingDelete", ready: true }),
      ...pods(4, { revision: NEW, state: N, ready: true }),
    ];
    list[0]!.metadata!.finalizers = ["example.com/hold"];
    const plan = planScale(input(2, list, { currentRevision: NEW, lifecycle: preDeleteHook }));
    expect(plan.step.kind).toBe("none");
    expect(plan.diffs.scaleDownNum).toBe(3);
  });
});

describe("prunePodsToDelete", () => {
  // cloneset_controller.go truncatePodsToDelete: names of pods that are gone drop out of the list.
  it("drops names of pods that no longer exist", () => {
    expect(prunePodsToDelete(["a", "gone"], [pod({ name: "a" })])).toEqual(["a"]);
    expect(prunePodsToDelete(["a"], [pod({ name: "a" })])).toBeUndefined();
    expect(prunePodsToDelete(undefined, [])).toBeUndefined();
  });
});

describe("newInstancePod", () => {
  // cloneset_core.go newVersionedPods + createPods: name, revision and instance labels, PreparingNormal, gate, PVC volumes.
  it("builds the pod CloneSet would create", () => {
    const owner = {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "CloneSet",
      name: "demo",
      uid: "u1",
      controller: true,
      blockOwnerDeletion: true,
    };
    const claims = claimsForInstance({
      templates: [{ metadata: { name: "data" } }],
      workloadName: "demo",
      namespace: "ns",
      instanceId: "x7k2p",
    });
    const p = newInstancePod({
      template: {
        metadata: { labels: { app: "demo" } },
        spec: { containers: [{ name: "main", image: "nginx:1" }] },
      },
      revision: "demo-abc",
      workloadName: "demo",
      namespace: "ns",
      instanceId: "x7k2p",
      owner,
      claims,
      now: NOW,
    });
    expect(p.metadata?.name).toBe("demo-x7k2p");
    expect(p.metadata?.labels).toEqual({
      app: "demo",
      "controller-revision-hash": "demo-abc",
      "pod-template-hash": "abc",
      "apps.kruise.io/cloneset-instance-id": "x7k2p",
      "lifecycle.apps.kruise.io/state": "PreparingNormal",
    });
    expect(p.spec?.readinessGates).toEqual([{ conditionType: "InPlaceUpdateReady" }]);
    expect(p.spec?.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "data-demo-x7k2p", readOnly: false } },
    ]);
    expect(p.metadata?.ownerReferences).toEqual([owner]);
    expect(inPlaceUpdateMetadata("demo-def", NOW).labels).toEqual({
      "controller-revision-hash": "demo-def",
      "pod-template-hash": "def",
      "lifecycle.apps.kruise.io/state": "Updating",
    });
  });
});
