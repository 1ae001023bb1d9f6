import { scaleIntOrString } from "../intstr/int-or-string.ts";
import type { OrdinalPod } from "./pod-view.ts";

export interface OrdinalUpdateInput<P extends OrdinalPod = OrdinalPod> {
  /** The pods that occupy slots (condemned pods are the scale plan's). */
  readonly pods: readonly P[];
  /** `spec.ordinals.start`. */
  readonly start: number;
  /**
   * `rollingUpdate.partition`. Ordered: pods with ordinal < start + partition keep their revision.
   * Unordered: the number of slots left at the old revision.
   */
  readonly partition: number;
  /** Total slots (replicas), for the unordered limit. */
  readonly replicas: number;
  /** `rollingUpdate.maxUnavailable` as a pod count (at least 1). */
  readonly maxUnavailable: number;
  /**
   * `unorderedUpdate`: present to update in priority order instead of by ordinal; it sorts the pods still
   * waiting for the update (e.g. by `priorityStrategy`), highest priority first.
   */
  readonly unordered?: { readonly sortWaiting: (pods: readonly P[]) => readonly P[] };
  /**
   * Pods written earlier in the same reconcile (the in-place refresh): their cached copies are stale, so they are
   * neither updated nor deleted now, but they still count as unavailable when they are (leaving them out would hand
   * their share of maxUnavailable to another pod).
   */
  readonly stale?: ReadonlySet<string>;
}

export interface OrdinalUpdatePlan<P extends OrdinalPod = OrdinalPod> {
  /** Pods labelled specified-delete to delete now (any ordinal, partition ignored), highest ordinal first. */
  readonly specifiedDeletes: readonly P[];
  /** Pods to move to the update revision now, in order. */
  readonly update: readonly P[];
  /** Names of the pods counted unavailable when the plan stopped (for logs and events). */
  readonly unavailable: readonly string[];
}

/** The pods in update order: ordinal descending above the partition, or OpenKruise's unordered order. */
export function podsInUpdateOrder<P extends OrdinalPod>(input: OrdinalUpdateInput<P>): P[] {
  const descending = [...input.pods].sort((a, b) => b.ordinal - a.ordinal);
  if (!input.unordered) return descending.filter((p) => p.ordinal >= input.start + input.partition);
  // Pods already updated or going away come first, so they use the limit before any new one starts.
  const settled = descending.filter((p) => p.terminating || p.updated);
  const waiting = input.unordered.sortWaiting(descending.filter((p) => !p.terminating && !p.updated));
  return [...settled, ...waiting].slice(0, Math.max(0, input.replicas - input.partition));
}

/**
 * One rolling-update step of an (Advanced) StatefulSet: walk the pods in update order and update each one not
 * at the update revision, until the unavailable pods reach maxUnavailable. Every pod in the slots that is not
 * available counts, below the partition too, and a pod just sent to update counts from then on. With
 * maxUnavailable 1 this is Kubernetes' one-at-a-time, highest-ordinal-first rollout.
 *
 * Guarantees: never more than maxUnavailable pods unavailable because of this plan; a pod below the partition
 * (ordered) is never updated; a `stale` pod is never chosen but still counts. Caveats: paused and OnDelete are the caller's (no plan at all).
 */
export function planOrdinalUpdate<P extends OrdinalPod>(input: OrdinalUpdateInput<P>): OrdinalUpdatePlan<P> {
  const maxUnavailable = Math.max(1, input.maxUnavailable);
  const unavailable = new Set(input.pods.filter((p) => p.terminating || !p.available).map((p) => p.name));
  const specifiedDeletes: P[] = [];
  const update: P[] = [];
  const specified = input.pods
    .filter((p) => p.specifiedDelete && !p.terminating)
    .sort((a, b) => b.ordinal - a.ordinal);
  const stale = input.stale ?? new Set<string>();
  for (const pod of specified) {
    if (unavailable.size >= maxUnavailable && !unavailable.has(pod.name)) break;
    if (stale.has(pod.name)) continue;
    specifiedDeletes.push(pod);
    unavailable.add(pod.name);
  }
  const deleting = new Set(specifiedDeletes);
  for (const pod of podsInUpdateOrder(input)) {
    if (unavailable.size >= maxUnavailable && !unavailable.has(pod.name)) break;
    if (pod.updated || pod.terminating || deleting.has(pod) || stale.has(pod.name)) continue;
    update.push(pod);
    unavailable.add(pod.name);
  }
  return { specifiedDeletes, update, unavailable: [...unavailable] };
}

/**
 * `rollingUpdate.maxUnavailable` or `scaleStrategy.maxUnavailable` as a pod count, as OpenKruise's Advanced
 * StatefulSet computes it: a percentage of replicas rounded down, and at least 1.
 */
export function ordinalMaxUnavailable(
  value: number | string | undefined,
  replicas: number,
  field: string,
): number {
  if (value === undefined) return 1;
  return Math.max(1, scaleIntOrString(value, replicas, false, field));
}
