import { allocateWithinBounds, fillByMinMax, type MinMaxBounds } from "./min-max-fill.ts";
import type { CurrentSubset, SubsetAllocation, SubsetAllocationSpec } from "./types.ts";

/** A subset that may receive new pods: new, or neither unschedulable nor still recovering from it. */
export function isSubsetAllocatable(subset: CurrentSubset | undefined): boolean {
  return subset === undefined || (subset.unschedulable !== true && subset.previouslyUnschedulable !== true);
}

/**
 * OpenKruise's allocator for Adaptive with `reserveUnschedulablePods: true`: pending pods are kept (reserved)
 * in the subset that cannot schedule them, and their stand-ins are created elsewhere. It works on diffs from
 * the current replicas rather than from scratch.
 *
 * Guarantees:
 * - scaling up (fewer normal pods than `spec.replicas`): the missing ones go to allocatable subsets only, by the
 *   min/max fill of each subset's headroom (min/max minus current replicas, at least 0);
 * - scaling down: normal pods are removed from the last subset backwards, down to each subset's minimum;
 * - a non-allocatable subset that loses normal pods drops all its reserved pods; otherwise it is capped at
 *   `spec.replicas` and pulled back inside its own `[min, max]`;
 * - refused with `MaxReplicasBelowMin` on the raw bounds.
 *
 * Caveats: `normalPods`/`reservedPods` are the caller's counts (a pod is reserved when any subset's status lists
 * it). Like OpenKruise, scaling down takes `normal - min` from a subset even when that is negative.
 */
export function allocateReservationReplicas(
  total: number | undefined,
  subsets: readonly SubsetAllocationSpec[],
  current: ReadonlyMap<string, CurrentSubset> | undefined,
): SubsetAllocation {
  return allocateWithinBounds("reservation", total, subsets, (replicas, bounds) =>
    splitKeepingReservations(replicas, bounds, subsets, current),
  );
}

/** The replicas per subset: the current ones plus the normal and reserved diffs (see allocateReservationReplicas). */
function splitKeepingReservations(
  replicas: number,
  bounds: MinMaxBounds,
  subsets: readonly SubsetAllocationSpec[],
  current: ReadonlyMap<string, CurrentSubset> | undefined,
): Map<string, number> {
  const allocatable: string[] = [];
  let normalTotal = 0;
  for (const subset of subsets) {
    const now = current?.get(subset.name);
    if (isSubsetAllocatable(now)) allocatable.push(subset.name);
    normalTotal += now?.normalPods ?? 0;
  }
  const currentReplicas = (name: string): number => current?.get(name)?.replicas ?? 0;

  let normalDiff = new Map<string, number>();
  if (normalTotal < replicas) {
    const headroom = { min: new Map<string, number>(), max: new Map<string, number>() };
    for (const name of allocatable) {
      headroom.min.set(name, Math.max(0, (bounds.min.get(name) ?? 0) - currentReplicas(name)));
      headroom.max.set(name, Math.max(0, (bounds.max.get(name) ?? 0) - currentReplicas(name)));
    }
    normalDiff = fillByMinMax(replicas - normalTotal, headroom, allocatable);
  } else if (normalTotal > replicas) {
    let toDeleteTotal = normalTotal - replicas;
    for (let i = subsets.length - 1; i >= 0; i--) {
      const name = subsets[i]?.name;
      if (name === undefined) continue;
      const toDelete = Math.min(
        (current?.get(name)?.normalPods ?? 0) - (bounds.min.get(name) ?? 0),
        toDeleteTotal,
      );
      normalDiff.set(name, -toDelete);
      toDeleteTotal -= toDelete;
    }
  }

  const reservedDiff = new Map<string, number>();
  for (const subset of subsets) {
    const now = current?.get(subset.name);
    if (now === undefined || isSubsetAllocatable(now)) continue;
    const diff = normalDiff.get(subset.name) ?? 0;
    if (diff < 0) {
      reservedDiff.set(subset.name, -(now.reservedPods ?? 0));
      continue;
    }
    const allocated = now.replicas + diff;
    let change = allocated > replicas ? replicas - allocated : 0;
    const lower = bounds.min.get(subset.name) ?? 0;
    const upper = bounds.max.get(subset.name) ?? 0;
    if (allocated < lower) change += lower - allocated;
    else if (allocated > upper) change -= allocated - upper;
    reservedDiff.set(subset.name, change);
  }

  const next = new Map<string, number>();
  for (const subset of subsets) {
    next.set(
      subset.name,
      currentReplicas(subset.name) +
        (normalDiff.get(subset.name) ?? 0) +
        (reservedDiff.get(subset.name) ?? 0),
    );
  }
  return next;
}
