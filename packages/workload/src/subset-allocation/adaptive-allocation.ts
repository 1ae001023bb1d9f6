import { allocateWithinBounds, fillByMinMax } from "./min-max-fill.ts";
import type { CurrentSubset, SubsetAllocation, SubsetAllocationSpec } from "./types.ts";

/**
 * OpenKruise's allocator for `scheduleStrategy.type: Adaptive` (without reserving pods): the elastic fill, with
 * each subset's bounds bent by what it can run now.
 *
 * Guarantees:
 * - an existing subset marked unschedulable keeps at most its ready replicas (max := min(ready, max)) and at
 *   least max(ready, min), so its pending replicas flow to the later subsets;
 * - a schedulable subset never loses ready pods to the fill: its min is raised to min(ready, max);
 * - subsets without min/max are `[0, ∞)`, so the last of them takes whatever is left;
 * - refused with `MaxReplicasBelowMin` on the raw bounds.
 *
 * Caveats: `readyReplicas` is the caller's count (the smaller of `status.readyReplicas` and running pods not
 * marked reserved). A subset not in `current` is new and schedulable with 0 ready. A subset's fixed
 * `replicas` is ignored (the webhook forbids it with Adaptive).
 */
export function allocateAdaptiveReplicas(
  total: number | undefined,
  subsets: readonly SubsetAllocationSpec[],
  current: ReadonlyMap<string, CurrentSubset> | undefined,
): SubsetAllocation {
  return allocateWithinBounds("adaptive", total, subsets, (replicas, bounds) => {
    for (const subset of subsets) {
      let lower = bounds.min.get(subset.name) ?? 0;
      let upper = bounds.max.get(subset.name) ?? 0;
      const now = current?.get(subset.name);
      const unschedulable = now?.unschedulable === true;
      const ready = now === undefined ? 0 : (now.readyReplicas ?? 0);
      if (unschedulable) {
        lower = Math.max(ready, lower);
        upper = Math.min(ready, upper);
      }
      if (!unschedulable && ready > lower) lower = Math.min(ready, upper);
      bounds.min.set(subset.name, lower);
      bounds.max.set(subset.name, upper);
    }
    return fillByMinMax(
      replicas,
      bounds,
      subsets.map((s) => s.name),
    );
  });
}
