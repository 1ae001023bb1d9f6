import { MAX_INT32 } from "@kruise/sdk";
import type { IntOrString } from "../intstr/index.ts";

/** One entry of `spec.topology.subsets`, only the fields that decide its replica count. */
export interface SubsetAllocationSpec {
  readonly name: string;
  /** A fixed count (`2`) or a share of `spec.replicas` (`"50%"`); absent = share what is left. */
  readonly replicas?: IntOrString | undefined;
  readonly minReplicas?: IntOrString | undefined;
  readonly maxReplicas?: IntOrString | undefined;
}

/**
 * What the controller knows of a subset workload that exists now. Subsets missing from the map are treated as
 * new: no replicas, schedulable.
 */
export interface CurrentSubset {
  /** The subset workload's `spec.replicas` now (the specific allocator hands remainders to the largest). */
  readonly replicas: number;
  /** Adaptive: the subset is marked `Schedulable=False`. */
  readonly unschedulable?: boolean | undefined;
  /** Reservation mode: it was unschedulable and has not recovered yet (not allocatable either). */
  readonly previouslyUnschedulable?: boolean | undefined;
  /** Adaptive: the smaller of `status.readyReplicas` and the running pods not marked reserved. */
  readonly readyReplicas?: number | undefined;
  /** Reservation mode: pods of this subset listed as reserved in any subset's status. */
  readonly reservedPods?: number | undefined;
  /** Reservation mode: the other pods of this subset. */
  readonly normalPods?: number | undefined;
}

export interface SubsetAllocationInput {
  /** `spec.replicas`; absent means unset (the webhook defaults it to 1, so only old objects lack it). */
  readonly replicas?: number | undefined;
  readonly subsets: readonly SubsetAllocationSpec[];
  /** `spec.topology.scheduleStrategy.type`: `Fixed` (default) or `Adaptive`. */
  readonly scheduleStrategy?: "Fixed" | "Adaptive" | "" | undefined;
  /** `spec.topology.scheduleStrategy.adaptive.reserveUnschedulablePods` (only read when Adaptive). */
  readonly reserveUnschedulablePods?: boolean | undefined;
  /** The subset workloads that exist, by subset name. */
  readonly current?: ReadonlyMap<string, CurrentSubset> | undefined;
}

/** Which of OpenKruise's four allocators decided. */
export type SubsetAllocatorKind = "specific" | "elastic" | "adaptive" | "reservation";

/** Why an allocation was refused; the controller reports it and leaves every subset as it is. */
export type SubsetAllocationErrorReason =
  | "SpecifiedReplicasAboveTotal"
  | "SpecifiedReplicasBelowTotal"
  | "SubsetReplicasUnspecified"
  | "MaxReplicasBelowMin";

export interface SubsetAllocationError {
  readonly reason: SubsetAllocationErrorReason;
  /** The field at fault, for example `spec.topology.subsets[1].maxReplicas`. */
  readonly field: string;
  /** OpenKruise's wording of the error. */
  readonly message: string;
}

/** A subset value that could not be read; OpenKruise logs and skips it (see each allocator's Caveats). */
export interface SubsetValueProblem {
  readonly field: string;
  readonly message: string;
}

export type SubsetAllocation =
  | {
      readonly ok: true;
      readonly allocator: SubsetAllocatorKind;
      /** Next `spec.replicas` of every subset, keyed by name in declaration order. */
      readonly replicas: Readonly<Record<string, number>>;
      readonly problems: readonly SubsetValueProblem[];
    }
  | {
      readonly ok: false;
      readonly allocator: SubsetAllocatorKind;
      readonly error: SubsetAllocationError;
      readonly problems: readonly SubsetValueProblem[];
    };

/** Go's `math.MaxInt32`: the "no maximum" of a subset without `maxReplicas`. */
export const UNBOUNDED_SUBSET_REPLICAS = MAX_INT32;
