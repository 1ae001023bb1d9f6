// v1alpha1 CloneSet → @kruise/workload parameters, feature gates, PVC planning and NATS ids: pure and table-driven.
import { describe, expect, it } from "vitest";
import type { CloneSet } from "@kruise/api";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { podCreatedId, podDeletedId, scaledId } from "../src/events.ts";
import { parseFeatureGates } from "../src/feature-gates.ts";
import { newPod } from "../src/pod-factory.ts";
import { claimName, planOrphanClaims } from "@kruise/workload";
import { cloneSetParams } from "../src/strategy.ts";

const base = (
  spec: Partial<NonNullable<CloneSet["spec"]>> = {},
  labels?: Record<string, string>,
): CloneSet => ({
  metadata: { name: "cs", namespace: "ns", uid: "u1", ...(labels ? { labels } : {}) },
  spec: {
    selector: { matchLabels: { app: "x" } },
    template: { metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "c", image: "i" }] } },
    ...spec,
  },
});

describe("cloneSetParams", () => {
  it.each([
    [
      "defaults: ReCreate, replicas 1, PVC reuse on",
      base(),
      { replicas: 1, podUpdatePolicy: "ReCreate", enablePVCReuse: true, exclude: false },
    ],
    [
      "InPlaceOnly and disablePVCReuse",
      base({
        replicas: 3,
        updateStrategy: { type: "InPlaceOnly" },
        scaleStrategy: { disablePVCReuse: true },
      }),
      { replicas: 3, podUpdatePolicy: "InPlaceOnly", enablePVCReuse: false, exclude: false },
    ],
    [
      "exclude-preparing-delete label",
      base({}, { "apps.kruise.io/cloneset-scaling-exclude-preparing-delete": "true" }),
      { replicas: 1, podUpdatePolicy: "ReCreate", enablePVCReuse: true, exclude: true },
    ],
  ])("%s", (_name, cs, want) => {
    const p = cloneSetParams(cs);
    expect({
      replicas: p.replicas,
      podUpdatePolicy: p.update.podUpdatePolicy,
      enablePVCReuse: p.scale.enablePVCReuse,
      exclude: p.scale.excludePreparingDelete,
    }).toEqual(want);
    expect(p.update.type).toBe("RollingUpdate");
  });

  it("OnDelete (a v1beta1 CloneSet's type, converted) updates no pod and keeps its rolling fields", () => {
    const p = cloneSetParams(base({ updateStrategy: { type: "OnDelete", partition: 1 } }));
    expect(p.update).toMatchObject({ type: "OnDelete", podUpdatePolicy: "ReCreate", partition: 1 });
  });

  it("treats progressDeadlineSeconds MaxInt32 as disabled", () => {
    expect(
      cloneSetParams(base({ progressDeadlineSeconds: 2147483647 })).progressDeadlineSeconds,
    ).toBeUndefined();
    expect(cloneSetParams(base({ progressDeadlineSeconds: 60 })).progressDeadlineSeconds).toBe(60);
  });
});

describe("parseFeatureGates", () => {
  it("parses known gates and names the known ones on a typo", () => {
    expect(parseFeatureGates("CloneSetShortHash=true").CloneSetShortHash).toBe(true);
    expect(() => parseFeatureGates("CloneSetShortHsh=true")).toThrow(/known gates: .*CloneSetShortHash/);
    expect(() => parseFeatureGates("CloneSetShortHash=yes")).toThrow(/true or false/);
  });
});

describe("newPod", () => {
  it("names the pod after its instance id and injects the gate, labels, lifecycle and PVC volumes", () => {
    const cs = base({ volumeClaimTemplates: [{ metadata: { name: "data" }, spec: {} }] });
    const pod = newPod(cs, cs.spec?.template ?? {}, { revision: "cs-abc", instanceId: "x2b4z", now: 0 });
    expect(pod.metadata?.name).toBe("cs-x2b4z");
    expect(pod.metadata?.labels).toMatchObject({
      app: "x",
      "controller-revision-hash": "cs-abc",
      "pod-template-hash": "abc",
      "apps.kruise.io/cloneset-instance-id": "x2b4z",
      "lifecycle.apps.kruise.io/state": "Normal",
    });
    expect(pod.spec?.readinessGates).toEqual([{ conditionType: "InPlaceUpdateReady" }]);
    expect(pod.spec?.volumes).toEqual([
      { name: "data", persistentVolumeClaim: { claimName: "data-cs-x2b4z", readOnly: false } },
    ]);
    expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "CloneSet",
      uid: "u1",
      controller: true,
    });
    const hooked = newPod(
      base({ lifecycle: { preNormal: { labelsHandler: { a: "b" } } } }),
      {},
      { revision: "r", instanceId: "i", now: 0 },
    );
    expect(hooked.metadata?.labels?.["lifecycle.apps.kruise.io/state"]).toBe("PreparingNormal");
  });
});

describe("planOrphanClaims (the orphan-PVC policy, from @kruise/workload)", () => {
  const pvc = (id: string): PersistentVolumeClaim => ({
    metadata: { name: claimName("data", "cs", id), labels: { "apps.kruise.io/cloneset-instance-id": id } },
  });
  const pod = (id: string): Pod => ({
    metadata: { name: `cs-${id}`, labels: { "apps.kruise.io/cloneset-instance-id": id } },
  });
  it.each([
    ["reuse on: orphan ids are handed out", true, { reusableIds: ["bbbbb"], toDelete: [] as string[] }],
    ["reuse off: orphans are deleted", false, { reusableIds: [] as string[], toDelete: ["data-cs-bbbbb"] }],
  ])("%s", (_name, reuse, want) => {
    const plan = planOrphanClaims([pvc("aaaaa"), pvc("bbbbb")], [pod("aaaaa")], reuse);
    expect({ reusableIds: plan.reusableIds, toDelete: plan.toDelete.map((p) => p.metadata?.name) }).toEqual(
      want,
    );
  });
  // OpenKruise hands out ids of pods that are not active: a Failed pod's replacement is refused (FailedScale)
  // instead of the CloneSet waiting silently; a terminating pod still holds its claims until it is gone.
  it.each([
    ["a Failed pod's id is handed out (reuse on)", "Failed", false, true, ["aaaaa", "bbbbb"]],
    ["a terminating Failed pod still holds its id", "Failed", true, true, ["bbbbb"]],
    ["a Running pod holds its id", "Running", false, true, ["bbbbb"]],
    ["reuse off: a Failed pod's PVCs stay with it", "Failed", false, false, [] as string[]],
  ])("%s", (_name, phase, deleting, reuse, want) => {
    const base = pod("aaaaa");
    const p: Pod = {
      metadata: { ...base.metadata, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
      status: { phase },
    };
    expect(planOrphanClaims([pvc("aaaaa"), pvc("bbbbb")], [p], reuse).reusableIds).toEqual(want);
  });
});

describe("NATS event ids", () => {
  it("are deterministic per step, so retries deduplicate", () => {
    expect(podCreatedId("u", "cs-a")).toBe(podCreatedId("u", "cs-a"));
    expect(podDeletedId("u", "p1")).not.toBe(podDeletedId("u", "p2"));
    expect(scaledId("u", 3, 2, 5)).toBe("u.3.2-5.scaled");
  });
});
