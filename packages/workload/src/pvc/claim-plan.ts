import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { generateInstanceId, type RandomInt } from "../ordering/instance-id.ts";
import { instanceIdOf } from "./claims.ts";

/**
 * PVCs whose pod is gone, when reuse is off (OpenKruise's cleanup before each reconcile):
 * - `active`: used by an active pod, keep;
 * - `reownToPod`: the pod still exists but is terminal or terminating — hand the PVC to that pod so it is
 *   garbage-collected with it rather than deleted under it;
 * - `delete`: no pod at all — delete now.
 * With reuse on, no cleanup happens and orphan PVCs donate their instance id to the next new pod.
 */
export interface OrphanClaimPlan {
  readonly active: PersistentVolumeClaim[];
  readonly reownToPod: Array<{ claim: PersistentVolumeClaim; pod: Pod }>;
  readonly delete: PersistentVolumeClaim[];
}

export function planOrphanClaims(
  activePods: readonly Pod[],
  inactivePods: readonly Pod[],
  claims: readonly PersistentVolumeClaim[],
): OrphanClaimPlan {
  const activeIds = new Set(activePods.map(instanceIdOf).filter((id): id is string => id !== undefined));
  const inactiveById = new Map<string, Pod>();
  for (const pod of inactivePods) {
    const id = instanceIdOf(pod);
    if (id !== undefined) inactiveById.set(id, pod);
  }
  const plan: {
    active: PersistentVolumeClaim[];
    reownToPod: Array<{ claim: PersistentVolumeClaim; pod: Pod }>;
    delete: PersistentVolumeClaim[];
  } = {
    active: [],
    reownToPod: [],
    delete: [],
  };
  for (const claim of claims) {
    const id = instanceIdOf(claim) ?? "";
    if (activeIds.has(id)) plan.active.push(claim);
    else {
      const pod = inactiveById.get(id);
      if (pod !== undefined) plan.reownToPod.push({ claim, pod });
      else plan.delete.push(claim);
    }
  }
  return plan;
}

/**
 * Instance ids for `count` new pods: first the ids of PVCs no active pod uses (so a replacement gets its
 * predecessor's PVCs and name back), then fresh random ids unused by any pod or PVC. Pass only the PVCs that
 * may be reused (after planOrphanClaims when reuse is off, that is only active ones, so none are reused).
 */
export function availableInstanceIds(
  count: number,
  pods: readonly Pod[],
  claims: readonly PersistentVolumeClaim[],
  random?: RandomInt,
): string[] {
  const taken = new Set<string>();
  const reusable = new Set<string>();
  for (const claim of claims) {
    const id = instanceIdOf(claim);
    if (id === undefined) continue;
    taken.add(id);
    reusable.add(id);
  }
  for (const pod of pods) {
    const id = instanceIdOf(pod);
    if (id === undefined) continue;
    taken.add(id);
    reusable.delete(id);
  }
  const ids: string[] = [];
  const orphanIds = [...reusable].sort();
  for (let i = 0; i < count; i++) {
    const reuse = orphanIds.shift();
    const id = reuse ?? generateInstanceId(taken, random);
    taken.add(id);
    ids.push(id);
  }
  return ids;
}
