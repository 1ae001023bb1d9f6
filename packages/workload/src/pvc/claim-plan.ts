import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { isPodActive } from "../availability/pod-conditions.ts";
import { instanceIdOf } from "./claims.ts";

/** What to do with PVCs left behind by pods someone else removed. */
export interface OrphanClaimPlan {
  /** Instance ids whose PVCs no pod uses; with reuse on they are handed to new pods first (sorted). */
  readonly reusableIds: string[];
  /** Orphan PVCs to delete (reuse off). */
  readonly toDelete: PersistentVolumeClaim[];
  /**
   * PVCs of a pod that is no longer active (Failed, Succeeded or terminating) to give to that pod (reuse off): owned
   * by it instead of the workload, they go when it goes, and its replacement gets new ones.
   */
  readonly toHandOver: { readonly claim: PersistentVolumeClaim; readonly pod: Pod }[];
}

/**
 * The one orphan-PVC policy (CloneSet's `scaleStrategy.disablePVCReuse`): with reuse on, the next new pod takes over
 * an orphan's instance id, so the same pod name comes back with its data; with reuse off, as OpenKruise's
 * cleanupPVCs, the PVCs of a pod that is no longer active pass to that pod and the PVCs of no pod at all are deleted,
 * so a replacement always starts on new claims. PVCs of an active pod are left alone, and PVCs already being deleted
 * are not planned again. With reuse on, a pod that has finished (Failed or Succeeded, not deleted) no longer holds
 * its id, as OpenKruise only counts active pods: the replacement takes the same name, its create is refused while
 * the finished pod exists, and that shows as FailedScale (the update wave goes on); a terminating pod still holds it.
 */
export function planOrphanClaims(
  claims: readonly PersistentVolumeClaim[],
  pods: readonly Pod[],
  reuse: boolean,
): OrphanClaimPlan {
  const activeIds = new Set<string>();
  const inactiveById = new Map<string, Pod>();
  for (const pod of pods) {
    const id = instanceIdOf(pod);
    if (id === undefined) continue;
    if (isPodActive(pod)) activeIds.add(id);
    else if (!(reuse && isFinished(pod))) inactiveById.set(id, pod);
  }
  const orphanIds = new Set<string>();
  const toDelete: PersistentVolumeClaim[] = [];
  const toHandOver: { claim: PersistentVolumeClaim; pod: Pod }[] = [];
  for (const claim of claims) {
    if (claim.metadata?.deletionTimestamp !== undefined) continue;
    const id = instanceIdOf(claim);
    if (id === undefined || activeIds.has(id)) continue;
    const holder = inactiveById.get(id);
    if (reuse) {
      if (holder === undefined) orphanIds.add(id);
    } else if (holder !== undefined) toHandOver.push({ claim, pod: holder });
    else toDelete.push(claim);
  }
  return { reusableIds: [...orphanIds].sort(), toDelete, toHandOver };
}

function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp === undefined && (phase === "Failed" || phase === "Succeeded");
}
