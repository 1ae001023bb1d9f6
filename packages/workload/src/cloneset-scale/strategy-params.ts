import { MAX_INT32 } from "@kruise/sdk";
import type { IntOrString } from "../intstr/int-or-string.ts";
import { scaleIntOrString } from "../intstr/int-or-string.ts";
import { partitionReplicas } from "../intstr/partition.ts";
import type { UpdatePriorityStrategy } from "../ordering/priority-sort.ts";
import type { UpdateScatterTerm } from "../ordering/scatter-sort.ts";

/** How a pod moves to a new revision. */
export type PodUpdatePolicy = "ReCreate" | "InPlaceIfPossible" | "InPlaceOnly";

/**
 * The update strategy knobs this package needs, independent of any one workload's API shape. CloneSet
 * v1beta1 maps `type` and `rollingUpdate.*` here; v1alpha1's single `type` splits into `type` +
 * `podUpdatePolicy` (OnDelete → OnDelete, anything else → RollingUpdate with that policy).
 */
export interface UpdateStrategyParams {
  type?: "RollingUpdate" | "OnDelete";
  podUpdatePolicy?: PodUpdatePolicy;
  partition?: IntOrString;
  maxUnavailable?: IntOrString;
  maxSurge?: IntOrString;
  paused?: boolean;
  priorityStrategy?: UpdatePriorityStrategy;
  scatterStrategy?: UpdateScatterTerm[];
  inPlaceUpdateStrategy?: { gracePeriodSeconds?: number };
}

export interface ScaleStrategyParams {
  /** Pod names to delete (and replace unless replicas also went down). */
  podsToDelete?: string[];
  /** Caps scale-up while this many pods are unavailable; unlimited when unset. */
  maxUnavailable?: IntOrString;
  /** Reuse PVCs (and so the instance id and pod name) of pods removed by someone else. */
  enablePVCReuse?: boolean;
  /**
   * Don't count PreparingDelete pods towards replicas, so replacements are created while they wait. CloneSet
   * v1alpha1's label apps.kruise.io/cloneset-scaling-exclude-preparing-delete=true maps here too.
   */
  excludePreparingDelete?: boolean;
}

/** OpenKruise's default maxUnavailable for CloneSet updates. */
export const DEFAULT_MAX_UNAVAILABLE = "20%";
const UNLIMITED = MAX_INT32;

/** The strategy's counts for `replicas` pods. */
export interface ResolvedStrategy {
  readonly partition: number;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  readonly scaleMaxUnavailable: number;
}

/**
 * Turns IntOrString knobs into counts with OpenKruise's rounding: partition up (with its "<100% updates at
 * least one" rule), maxSurge up (and 0 while paused), maxUnavailable up when there is no surge and down
 * when there is (so surge + unavailable cannot round past the intent), scale maxUnavailable up.
 * Throws IntOrStringError naming the field for a malformed value.
 */
export function resolveStrategy(
  replicas: number,
  update: UpdateStrategyParams,
  scale: ScaleStrategyParams = {},
  fieldPrefix = "spec",
): ResolvedStrategy {
  const partition = partitionReplicas(update.partition, replicas, `${fieldPrefix}.updateStrategy.partition`);
  let maxSurge =
    update.maxSurge === undefined
      ? 0
      : scaleIntOrString(update.maxSurge, replicas, true, `${fieldPrefix}.updateStrategy.maxSurge`);
  if (update.paused === true) maxSurge = 0;
  const maxUnavailable = scaleIntOrString(
    update.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE,
    replicas,
    maxSurge === 0,
    `${fieldPrefix}.updateStrategy.maxUnavailable`,
  );
  const scaleMaxUnavailable =
    scale.maxUnavailable === undefined
      ? UNLIMITED
      : scaleIntOrString(scale.maxUnavailable, replicas, true, `${fieldPrefix}.scaleStrategy.maxUnavailable`);
  return { partition, maxSurge, maxUnavailable, scaleMaxUnavailable };
}
