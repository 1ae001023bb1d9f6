import { allocateWithinBounds, fillByMinMax } from "./min-max-fill.ts";
import type { SubsetAllocation, SubsetAllocationSpec } from "./types.ts";

/**
 * OpenKruise's elastic allocator, used when any subset sets `minReplicas` or `maxReplicas` (Fixed scheduling):
 * fill every minimum in declaration order, then top subsets up to their maximum in declaration order.
 *
 * Guarantees: `spec.replicas` 5 over a `[2, 4]` and b `[2, ∞)` gives a 3, b 2; minimums adding up to more than
 * the total are filled in order until it runs out (later subsets get 0); refused with `MaxReplicasBelowMin`.
 *
 * Caveats: percentages are of `spec.replicas`, 0 when it is unset. `replicas` set on a subset beside min/max is
 * ignored here (the webhook forbids mixing them).
 */
export function allocateElasticReplicas(
  total: number | undefined,
  subsets: readonly SubsetAllocationSpec[],
): SubsetAllocation {
  return allocateWithinBounds("elastic", total, subsets, (replicas, bounds) =>
    fillByMinMax(
      replicas,
      bounds,
      subsets.map((s) => s.name),
    ),
  );
}
