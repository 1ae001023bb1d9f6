import type { DaemonSet, DaemonSetSpec } from "@kruise/api";
import { PROGRESSIVE_CREATE_POD_ANNOTATION } from "@kruise/api";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { scaleIntOrString } from "../intstr/int-or-string.ts";

/** OpenKruise's default `burstReplicas`. */
export const DEFAULT_BURST_REPLICAS = 250;

/**
 * A DaemonSet's rollout parameters, resolved into node counts for the current number of nodes that should run
 * its pod. Surging (v1alpha1, deprecated) is read as OpenKruise's defaulting rewrites it: Standard with maxSurge 1
 * and maxUnavailable 0 where they are unset.
 */
export interface DaemonStrategy {
  readonly type: "RollingUpdate" | "OnDelete";
  readonly rollingUpdateType: "Standard" | "InPlaceIfPossible";
  /** New pods that may run beside an old one on its node; 0 means no surge. */
  readonly maxSurge: number;
  /** Nodes whose pod may be unavailable because of the update; at least 1 when maxSurge is 0. */
  readonly maxUnavailable: number;
  /** Nodes kept at the old revision. */
  readonly partition: number;
  /** Only pods on nodes matching this node selector are updated. */
  readonly selector: LabelSelector | undefined;
  readonly paused: boolean;
  /** Most pod creations (and, separately, deletions) in one sync; at least 1. */
  readonly burstReplicas: number;
  /** Partition also limits how many nodes get a first pod. */
  readonly partitionedScaling: boolean;
  readonly minReadySeconds: number;
}

/**
 * Resolves the strategy of `ds` for `desiredNumberScheduled` nodes.
 *
 * # Guarantees
 * - Exactly one of maxSurge and maxUnavailable is the one that limits the update: when both come out 0 and some
 *   node should run the pod, maxUnavailable is 1 (Kubernetes' and OpenKruise's fallback).
 * - Percentages of maxSurge and maxUnavailable round up; burstReplicas rounds down (as OpenKruise) but never
 *   below 1, so a small percentage cannot stop pod creation for good.
 *
 * # Caveats
 * - Throws `IntOrStringError` naming the field for a value the schema would have rejected (an object stored
 *   before a rule existed).
 */
export function resolveDaemonStrategy(ds: DaemonSet, desiredNumberScheduled: number): DaemonStrategy {
  const spec: Partial<DaemonSetSpec> = ds.spec ?? {};
  const type = spec.updateStrategy?.type === "OnDelete" ? "OnDelete" : "RollingUpdate";
  const ru = spec.updateStrategy?.rollingUpdate ?? {};
  const surging = ru.rollingUpdateType === "Surging";
  const field = "spec.updateStrategy.rollingUpdate";
  let maxSurge = 0;
  let maxUnavailable = 0;
  if (type === "RollingUpdate") {
    const surge = ru.maxSurge ?? (surging ? 1 : undefined);
    const unavailable = ru.maxUnavailable ?? (surging ? 0 : undefined);
    if (surge !== undefined)
      maxSurge = scaleIntOrString(surge, desiredNumberScheduled, true, `${field}.maxSurge`);
    if (unavailable !== undefined)
      maxUnavailable = scaleIntOrString(unavailable, desiredNumberScheduled, true, `${field}.maxUnavailable`);
    if (desiredNumberScheduled > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  }
  const burst = scaleIntOrString(
    spec.burstReplicas ?? DEFAULT_BURST_REPLICAS,
    desiredNumberScheduled,
    false,
    "spec.burstReplicas",
  );
  return {
    type,
    rollingUpdateType: ru.rollingUpdateType === "InPlaceIfPossible" ? "InPlaceIfPossible" : "Standard",
    maxSurge,
    maxUnavailable,
    partition: type === "RollingUpdate" ? Math.max(0, ru.partition ?? 0) : 0,
    selector: type === "RollingUpdate" ? ru.selector : undefined,
    paused: ru.paused === true,
    burstReplicas: Math.max(1, burst),
    partitionedScaling:
      spec.scaleStrategy?.partitionedScaling === true ||
      ds.metadata?.annotations?.[PROGRESSIVE_CREATE_POD_ANNOTATION] === "true",
    minReadySeconds: Math.max(0, spec.minReadySeconds ?? 0),
  };
}

/**
 * Whether a node may hold an old and a new pod at once (Kubernetes' allowSurge: a non-zero maxSurge). Decided
 * from the spec alone, so that the per-node pruning does not depend on the node count.
 */
export function daemonAllowsSurge(ds: DaemonSet): boolean {
  return resolveDaemonStrategy(ds, 1).maxSurge > 0;
}
