import type { StatefulSet } from "@kruise/api";
import {
  DEFAULT_REVISION_HISTORY_LIMIT,
  ordinalMaxUnavailable,
  parseReservedOrdinals,
  replicaOrdinals,
  type Lifecycle,
  type OrdinalSpec,
  type PodManagementPolicy,
  type PodUpdatePolicy,
} from "@kruise/workload";

/** A StatefulSet's spec resolved to the numbers and switches the plans take (defaults as the schema sets them). */
export interface StatefulSetParams {
  readonly replicas: number;
  readonly ordinals: OrdinalSpec;
  /** replicaOrdinals(ordinals): the ordinals that should have a pod. */
  readonly slots: readonly number[];
  readonly policy: PodManagementPolicy;
  readonly onDelete: boolean;
  readonly partition: number;
  readonly maxUnavailable: number;
  /** scaleStrategy.maxUnavailable as a count (Parallel only), undefined: unlimited. */
  readonly scaleMaxUnavailable: number | undefined;
  readonly podUpdatePolicy: PodUpdatePolicy;
  readonly paused: boolean;
  readonly minReadySeconds: number;
  readonly unordered: boolean;
  readonly gracePeriodSeconds: number | undefined;
  readonly lifecycle: Lifecycle | undefined;
  readonly revisionHistoryLimit: number;
  readonly whenScaled: "Retain" | "Delete";
  readonly whenDeleted: "Retain" | "Delete";
}

/**
 * Resolves the spec. Throws (with the field named) only for values the schema cannot rule out, which come from
 * objects stored before validation; the reconciler reports that on the status instead of looping.
 */
export function statefulSetParams(set: StatefulSet): StatefulSetParams {
  const spec = set.spec;
  const replicas = spec?.replicas ?? 1;
  const ru = spec?.updateStrategy?.rollingUpdate;
  const ordinals: OrdinalSpec = {
    replicas,
    start: spec?.ordinals?.start ?? 0,
    reserved: parseReservedOrdinals(spec?.reserveOrdinals),
  };
  const policy = spec?.podManagementPolicy ?? "OrderedReady";
  const scaleMax = spec?.scaleStrategy?.maxUnavailable;
  return {
    replicas,
    ordinals,
    slots: replicaOrdinals(ordinals),
    policy,
    onDelete: spec?.updateStrategy?.type === "OnDelete",
    partition: ru?.partition ?? 0,
    maxUnavailable: ordinalMaxUnavailable(
      ru?.maxUnavailable,
      replicas,
      "spec.updateStrategy.rollingUpdate.maxUnavailable",
    ),
    scaleMaxUnavailable:
      policy === "Parallel" && scaleMax !== undefined
        ? ordinalMaxUnavailable(scaleMax, replicas, "spec.scaleStrategy.maxUnavailable")
        : undefined,
    podUpdatePolicy: ru?.podUpdatePolicy ?? "ReCreate",
    paused: ru?.paused === true,
    minReadySeconds: ru?.minReadySeconds ?? 0,
    unordered: ru?.unorderedUpdate !== undefined && policy === "Parallel",
    gracePeriodSeconds: ru?.inPlaceUpdateStrategy?.gracePeriodSeconds,
    lifecycle: spec?.lifecycle,
    revisionHistoryLimit: spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
    whenScaled: spec?.persistentVolumeClaimRetentionPolicy?.whenScaled ?? "Retain",
    whenDeleted: spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? "Retain",
  };
}
