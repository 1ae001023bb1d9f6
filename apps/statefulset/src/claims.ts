import type { StatefulSet } from "@kruise/api";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { claimsForInstance } from "@kruise/workload";
import { ownerRefTo } from "./pods.ts";

/** The claims one ordinal should have, by template name: `<claim>-<set>-<n>`, labelled with the selector. */
export function claimsForOrdinal(set: StatefulSet, ordinal: number): Map<string, PersistentVolumeClaim> {
  return claimsForInstance({
    templates: set.spec?.volumeClaimTemplates ?? [],
    workloadName: set.metadata?.name ?? "",
    namespace: set.metadata?.namespace ?? "",
    instanceId: String(ordinal),
    selectorLabels: set.spec?.selector.matchLabels ?? {},
    labelInstanceId: false,
  });
}

/**
 * The owner references the retention policy wants on a claim (Kubernetes' StatefulSetAutoDeletePVC):
 * whenDeleted Delete → owned by the set (deleted with it); whenScaled Delete and the ordinal condemned → owned
 * by its pod (deleted with the pod). References to anything else are the user's and are kept.
 */
export function wantedClaimOwners(
  claim: PersistentVolumeClaim,
  set: StatefulSet,
  pod: Pod | undefined,
  condemned: boolean,
): OwnerReference[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  const setUid = set.metadata?.uid;
  const podUid = pod?.metadata?.uid;
  const others = (claim.metadata?.ownerReferences ?? []).filter(
    (r) =>
      r.uid !== setUid &&
      (podUid === undefined || r.uid !== podUid) &&
      !(r.kind === "Pod" && r.name === pod?.metadata?.name),
  );
  const out = [...others];
  if (policy?.whenDeleted === "Delete") out.push(ownerRefTo(set, false));
  if (policy?.whenScaled === "Delete" && condemned && pod !== undefined && podUid !== undefined)
    out.push({ apiVersion: "v1", kind: "Pod", name: pod.metadata?.name ?? "", uid: podUid });
  return out;
}

/** Whether two owner reference lists name the same owners (order and flags aside). */
export function sameOwners(a: readonly OwnerReference[] | undefined, b: readonly OwnerReference[]): boolean {
  const key = (refs: readonly OwnerReference[]) =>
    refs
      .map((r) => r.uid)
      .sort()
      .join(",");
  return key(a ?? []) === key(b);
}

/** Whether `claimName` is `<template>-<set>-<n>` for one of the set's claim templates (Kubernetes' naming). */
export function isClaimOfSet(set: StatefulSet, claimName: string): boolean {
  const setName = set.metadata?.name ?? "";
  return (set.spec?.volumeClaimTemplates ?? []).some((t) => {
    const prefix = `${t.metadata?.name ?? ""}-${setName}-`;
    return claimName.startsWith(prefix) && /^\d+$/.test(claimName.slice(prefix.length));
  });
}
