// PVCs for volumeClaimTemplates, as OpenKruise's CloneSet names, creates, reuses and deletes them.
// STAND-IN: @kruise/workload's src/pvc/ was still empty when this was written; move it there once it lands.
import type { CloneSet } from "@kruise/api";
import { CLONESET_INSTANCE_ID_LABEL } from "@kruise/api";
import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";

/** `<template>-<cloneset>-<instance id>`: the pod name with the template name in front. */
export function pvcName(templateName: string, cloneSetName: string, instanceId: string): string {
  return `${templateName}-${cloneSetName}-${instanceId}`;
}

/** The PVCs a pod with this instance id needs, owned by the CloneSet and labelled with the selector and id. */
export function pvcsForInstance(
  cs: CloneSet,
  instanceId: string,
  owner: OwnerReference,
): PersistentVolumeClaim[] {
  const name = cs.metadata?.name ?? "";
  return (cs.spec?.volumeClaimTemplates ?? []).map((vct) => {
    const templateName = vct.metadata?.name ?? "";
    return {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: pvcName(templateName, name, instanceId),
        namespace: cs.metadata?.namespace ?? "",
        labels: {
          ...(vct.metadata?.labels ?? {}),
          ...(cs.spec?.selector.matchLabels ?? {}),
          [CLONESET_INSTANCE_ID_LABEL]: instanceId,
        },
        ...(vct.metadata?.annotations !== undefined ? { annotations: { ...vct.metadata.annotations } } : {}),
        ownerReferences: [owner],
      },
      spec: structuredClone(vct.spec ?? {}),
    };
  });
}

/** Pod volumes pointing at the instance's PVCs; a template volume of the same name wins, as in OpenKruise. */
export function pvcVolumes(cs: CloneSet, instanceId: string, existing: readonly Volume[]): Volume[] {
  const taken = new Set(existing.map((v) => v.name));
  const name = cs.metadata?.name ?? "";
  return (cs.spec?.volumeClaimTemplates ?? [])
    .filter((vct) => !taken.has(vct.metadata?.name ?? ""))
    .map((vct) => ({
      name: vct.metadata?.name ?? "",
      persistentVolumeClaim: { claimName: pvcName(vct.metadata?.name ?? "", name, instanceId) },
    }));
}

export function instanceIdOf(obj: { metadata?: { labels?: Record<string, string> } }): string | undefined {
  return obj.metadata?.labels?.[CLONESET_INSTANCE_ID_LABEL];
}

export interface PvcPlan {
  /** Instance ids whose PVCs no active pod uses; with reuse on they are handed to new pods first. */
  readonly reusableIds: string[];
  /** Orphan PVCs to delete (reuse off). */
  readonly toDelete: PersistentVolumeClaim[];
}

/**
 * OpenKruise's handling of PVCs left behind by a pod someone else removed: with reuse on, the next pod takes
 * over the instance id (so the same pod name comes back, with its data); with reuse off they are deleted.
 * PVCs of a pod that still exists (even terminating) are left alone until it is gone.
 */
export function planOrphanPvcs(
  pvcs: readonly PersistentVolumeClaim[],
  pods: readonly Pod[],
  reuse: boolean,
): PvcPlan {
  const usedIds = new Set<string>();
  for (const pod of pods) {
    const id = instanceIdOf(pod);
    if (id !== undefined) usedIds.add(id);
  }
  const orphanIds = new Set<string>();
  const toDelete: PersistentVolumeClaim[] = [];
  for (const pvc of pvcs) {
    if (pvc.metadata?.deletionTimestamp !== undefined) continue;
    const id = instanceIdOf(pvc);
    if (id === undefined || usedIds.has(id)) continue;
    if (reuse) orphanIds.add(id);
    else toDelete.push(pvc);
  }
  return { reusableIds: [...orphanIds].sort(), toDelete };
}

/** The PVCs of one pod (by instance id). */
export function pvcsOfInstance(
  pvcs: readonly PersistentVolumeClaim[],
  instanceId: string | undefined,
): PersistentVolumeClaim[] {
  if (instanceId === undefined) return [];
  return pvcs.filter((p) => instanceIdOf(p) === instanceId && p.metadata?.deletionTimestamp === undefined);
}
