// What the CloneSet controller decides about PVCs left behind by pods; naming, building and volumes come from
// @kruise/workload's pvc module.
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { instanceIdOf } from "@kruise/workload";

export { instanceIdOf };

export interface PvcPlan {
  /** Instance ids whose PVCs no active pod uses; with reuse on they are handed to new pods first. */
  readonly reusableIds: string[];
  /** Orphan PVCs to delete (reuse off). */
  readonly toDelete: PersistentVolumeClaim[];
}

/**
 * OpenKruise's handling of PVCs left behind by a pod someone else removed: with reuse on, the next pod takes
 * over the instance id (so the same pod name comes back, with its data); with reuse off they are deleted.
 * PVCs of a pod that still exists (even terminating) are left alone until it is gone; with reuse on, a pod that
 * has finished (Failed or Succeeded, not deleted) no longer holds its id, as OpenKruise only counts active pods:
 * the replacement takes the same name, its create is refused while the finished pod exists, and that shows as
 * FailedScale (the update wave goes on).
 */
export function planOrphanPvcs(
  pvcs: readonly PersistentVolumeClaim[],
  pods: readonly Pod[],
  reuse: boolean,
): PvcPlan {
  const usedIds = new Set<string>();
  for (const pod of pods) {
    if (reuse && isFinished(pod)) continue;
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

function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return pod.metadata?.deletionTimestamp === undefined && (phase === "Failed" || phase === "Succeeded");
}

/** The PVCs of one pod (by instance id). */
export function pvcsOfInstance(
  pvcs: readonly PersistentVolumeClaim[],
  instanceId: string | undefined,
): PersistentVolumeClaim[] {
  if (instanceId === undefined) return [];
  return pvcs.filter((p) => instanceIdOf(p) === instanceId && p.metadata?.deletionTimestamp === undefined);
}
