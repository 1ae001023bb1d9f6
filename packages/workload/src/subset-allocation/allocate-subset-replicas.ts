import { allocateAdaptiveReplicas } from "./adaptive-allocation.ts";
import { allocateElasticReplicas } from "./elastic-allocation.ts";
import { allocateReservationReplicas } from "./reservation-allocation.ts";
import { allocateSpecificReplicas } from "./specific-allocation.ts";
import type {
  SubsetAllocation,
  SubsetAllocationError,
  SubsetAllocationInput,
  SubsetAllocatorKind,
} from "./types.ts";

/** Which allocator OpenKruise picks: reservation, then adaptive, then elastic (any min/max), else specific. */
export function subsetAllocatorFor(input: SubsetAllocationInput): SubsetAllocatorKind {
  if (input.scheduleStrategy === "Adaptive")
    return input.reserveUnschedulablePods === true ? "reservation" : "adaptive";
  return input.subsets.some((s) => s.minReplicas !== undefined || s.maxReplicas !== undefined)
    ? "elastic"
    : "specific";
}

/**
 * Each subset's next `spec.replicas`, as OpenKruise's UnitedDeployment controller computes it.
 *
 * Guarantees: a pure function of its input; on `ok: false` nothing should change (OpenKruise emits a Warning
 * Event, see `subsetAllocationFailureEvent`, and retries); unreadable subset values are reported in `problems`
 * with the field that holds them.
 *
 * Caveats: the caller computes the per-subset facts in `current` (replicas, schedulability, ready and reserved
 * counts); marking a subset unschedulable after `rescheduleCriticalSeconds` is not decided here.
 */
export function allocateSubsetReplicas(input: SubsetAllocationInput): SubsetAllocation {
  switch (subsetAllocatorFor(input)) {
    case "reservation":
      return allocateReservationReplicas(input.replicas, input.subsets, input.current);
    case "adaptive":
      return allocateAdaptiveReplicas(input.replicas, input.subsets, input.current);
    case "elastic":
      return allocateElasticReplicas(input.replicas, input.subsets);
    case "specific":
      return allocateSpecificReplicas(input.replicas, input.subsets, input.current);
  }
}

/** OpenKruise's event reason for a refused allocation (`"Failed " + eventTypeSpecifySubsetReplicas`). */
export const SUBSET_ALLOCATION_FAILED_REASON = "Failed SpecifySubsetReplicas";

/** The Warning Event OpenKruise records on the UnitedDeployment when the allocation is refused. */
export function subsetAllocationFailureEvent(error: SubsetAllocationError): {
  readonly type: "Warning";
  readonly reason: string;
  readonly message: string;
} {
  return {
    type: "Warning",
    reason: SUBSET_ALLOCATION_FAILED_REASON,
    message: `Specified subset replicas is ineffective: ${error.message}`,
  };
}
