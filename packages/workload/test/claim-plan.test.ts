// OpenKruise's cleanupPVCs (cloneset_controller.go) with scaleStrategy.disablePVCReuse, and its PVC reuse
// (getOrGenAvailableIDs, cloneset_scale.go): which claims are handed out, deleted or given to their pod.
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { claimOwnersForPod, planOrphanClaims } from "../src/index.ts";

const ID = "apps.kruise.io/cloneset-instance-id";
const csRef = {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "CloneSet",
  name: "cs",
  uid: "cs-uid",
  controller: true,
};
const pvc = (id: string, deleting = false): PersistentVolumeClaim => ({
  metadata: {
    name: `data-cs-${id}`,
    labels: { [ID]: id },
    ownerReferences: [csRef],
    ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
  },
});
const pod = (id: string, phase = "Running", deleting = false): Pod => ({
  metadata: {
    name: `cs-${id}`,
    uid: `uid-${id}`,
    labels: { [ID]: id },
    ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
  },
  status: { phase },
});
const names = (cs: readonly PersistentVolumeClaim[]): string[] => cs.map((c) => c.metadata?.name ?? "");

describe("planOrphanClaims, reuse off (disablePVCReuse)", () => {
  it.each([
    ["an active pod keeps its claims", pod("a"), { del: [] as string[], hand: [] as string[] }],
    ["a Failed pod's claims pass to it", pod("a", "Failed"), { del: [], hand: ["data-cs-a"] }],
    ["a Succeeded pod's claims pass to it", pod("a", "Succeeded"), { del: [], hand: ["data-cs-a"] }],
    ["a terminating pod's claims pass to it", pod("a", "Running", true), { del: [], hand: ["data-cs-a"] }],
    ["the claims of no pod are deleted", pod("z"), { del: ["data-cs-a"], hand: [] }],
  ])("%s", (_name, p, want) => {
    const plan = planOrphanClaims([pvc("a")], [p], false);
    expect({ del: names(plan.toDelete), hand: names(plan.toHandOver.map((h) => h.claim)) }).toEqual(want);
    expect(plan.reusableIds).toEqual([]);
    for (const h of plan.toHandOver) expect(h.pod).toBe(p);
  });

  it("a claim already being deleted is left alone", () => {
    const plan = planOrphanClaims([pvc("a", true)], [pod("a", "Failed")], false);
    expect([plan.toDelete, plan.toHandOver]).toEqual([[], []]);
  });

  it("an active pod with the same id wins over a finished one", () => {
    expect(planOrphanClaims([pvc("a")], [pod("a", "Failed"), pod("a")], false).toHandOver).toEqual([]);
  });
});

describe("planOrphanClaims, reuse on", () => {
  it("hands out the ids of claims no pod holds, and of finished pods; never hands over or deletes", () => {
    const plan = planOrphanClaims(
      [pvc("a"), pvc("b"), pvc("c"), pvc("d")],
      [pod("a"), pod("b", "Failed"), pod("c", "Running", true)],
      true,
    );
    expect(plan).toEqual({ reusableIds: ["b", "d"], toDelete: [], toHandOver: [] });
  });
});

describe("claimOwnersForPod (OpenKruise's updateClaimOwnerRefToPod)", () => {
  const other = { apiVersion: "v1", kind: "ConfigMap", name: "keep", uid: "k" };
  it("drops the workload's reference and adds a controller reference to the pod", () => {
    const claim: PersistentVolumeClaim = { metadata: { ownerReferences: [other, csRef] } };
    expect(claimOwnersForPod(claim, "cs-uid", pod("a", "Failed"))).toEqual([
      other,
      {
        apiVersion: "v1",
        kind: "Pod",
        name: "cs-a",
        uid: "uid-a",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });
  it("does not add the pod twice", () => {
    const podRef = { apiVersion: "v1", kind: "Pod", name: "cs-a", uid: "uid-a" };
    expect(claimOwnersForPod({ metadata: { ownerReferences: [podRef] } }, "cs-uid", pod("a"))).toEqual([
      podRef,
    ]);
  });
});
