import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { instanceIdOf } from "./claims.ts";

/** What to do with PVCs left behind by pods someone else removed. */
export interface OrphanClaimPlan {
  /** Instance ids whose PVCs no pod uses; with reuse on they are handed to new pods first (sorted). */
  readonly reusableIds: string[];
  /** Orphan PVCs to delete (reuse off). */
  readonly toDelete: PersistentVolumeClaim[];
}

/**
 * The one orphan-PVC policy (CloneSet's `scaleStrategy.disablePVCReuse`): with reuse on, the next new pod takes over
 * an orphan's instance id, so the same pod name comes back with its data; with reuse off the orphans are deleted.
 * PVCs of a pod that still exists (even terminating) are left alone until it is gone, and PVCs already being
 * deleted are not planned again. With reuse on, a pod that has finished (Failed or Succeeded, not deleted) no longer
 * holds its id, as OpenKruise only counts active pods: the replacement takes the same name, its create is refused
 * while the finished pod exists, and that shows as FailedScale (the update wave goes on).
 */
export function planOrphanClaims(
  claims: readonly PersistentVolumeClaim[],
  pods: readonly Pod[],
  reuse: boolean,
): OrphanClaimPlan {
  const usedIds = new Set<string>();
  for (const pod of pods) {
    if (reuse && isFinished(pod)) continue;
    const id = instanceIdOf(pod);
    if (id !== undefined) usedIds.add(id);
  }
  const orphanIds = new Set<string>();
  const toDelete: PersistentVolumeClaim[] = [];
  for (const claim of claims) {
    if (claim.metadata?.deletionTimestamp !== undefined) continue;
    const id = instanceIdOf(claim);
    if (id === undefined || usedIds.has(id)) continue;
    if (reuse) orphanIds.add(id);
    else toDelete.push(claim);
  }
  return { reusableIds: [...orphanIds].sort(), toDelete };
}

function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp === undefined && (phase === "Failed" || phase === "Succeeded");
}
