import type { OrdinalPod } from "./pod-view.ts";

export type PodManagementPolicy = "OrderedReady" | "Parallel";

export interface OrdinalScaleInput<P extends OrdinalPod = OrdinalPod> {
  /** replicaOrdinals(): the ordinals that should have a pod, ascending. */
  readonly slots: readonly number[];
  /** The set's pods (one per ordinal; a name that does not parse is not here). */
  readonly pods: readonly P[];
  readonly policy: PodManagementPolicy;
  /**
   * Parallel only: `scaleStrategy.maxUnavailable` as a pod count (undefined: no limit). Pods in the slots that
   * are not available, terminating pods, and every create or delete this plan makes count against it.
   */
  readonly maxUnavailable?: number;
  /**
   * OrderedReady: the condition a pod must meet before the next ordinal is created (Running and Ready for
   * `rollingUpdate.minReadySeconds`). Defaults to `runningAndReady`.
   */
  readonly readyForNext?: (pod: P) => boolean;
}

export interface OrdinalScalePlan<P extends OrdinalPod = OrdinalPod> {
  /** Ordinals to create now, ascending. */
  readonly create: readonly number[];
  /** Failed or Succeeded pods in the slots to delete; they are recreated once gone. */
  readonly recreate: readonly P[];
  /** Pods outside the slots (above them or reserved) to delete now, highest ordinal first. */
  readonly condemn: readonly P[];
  /** When nothing more may happen now: the pod everything waits for, and why. */
  readonly waiting?: {
    readonly pod: string;
    readonly reason: "terminating" | "not-ready" | "max-unavailable";
  };
}

/**
 * One scaling step of a StatefulSet, as Kubernetes' StatefulSet controller takes it and Advanced
 * StatefulSet extends it:
 * - slots are walked in ascending ordinal: a missing pod is created, a finished one is deleted (recreated later);
 * - OrderedReady (monotonic): at most one create or delete per step, and a pod that is terminating or not
 *   ready (for minReadySeconds) blocks every higher ordinal and every deletion;
 * - condemned pods go highest ordinal first; OrderedReady deletes one only when it is the first unhealthy pod
 *   or Running and Ready, and waits while one terminates;
 * - Parallel: everything at once, within `maxUnavailable` when set.
 *
 * Guarantees: never two actions for one ordinal; never a create for an ordinal that still has a pod
 * (even a terminating one). Caveats: scale-down of a pod with a preDelete hook is the caller's lifecycle step.
 */
export function planOrdinalScale<P extends OrdinalPod>(input: OrdinalScaleInput<P>): OrdinalScalePlan<P> {
  const monotonic = input.policy === "OrderedReady";
  const readyForNext = input.readyForNext ?? ((p: P) => p.runningAndReady);
  const byOrdinal = new Map(input.pods.map((p) => [p.ordinal, p]));
  const slotSet = new Set(input.slots);
  const condemned = input.pods.filter((p) => !slotSet.has(p.ordinal)).sort((a, b) => b.ordinal - a.ordinal);
  const create: number[] = [];
  const recreate: P[] = [];
  const condemn: P[] = [];

  let budget = Infinity;
  if (!monotonic && input.maxUnavailable !== undefined) {
    budget = Math.max(1, input.maxUnavailable);
    for (const ordinal of input.slots) {
      const pod = byOrdinal.get(ordinal);
      if (pod && (pod.terminating || !pod.available)) budget--;
    }
    for (const pod of condemned) if (pod.terminating) budget--;
  }
  const plan = (waiting?: OrdinalScalePlan<P>["waiting"]): OrdinalScalePlan<P> => ({
    create,
    recreate,
    condemn,
    ...(waiting ? { waiting } : {}),
  });

  for (const ordinal of input.slots) {
    const pod = byOrdinal.get(ordinal);
    if (pod === undefined || (pod.finished && !pod.terminating)) {
      if (budget <= 0) return plan({ pod: String(ordinal), reason: "max-unavailable" });
      if (pod === undefined) create.push(ordinal);
      else recreate.push(pod);
      budget--;
      if (monotonic) return plan();
      continue;
    }
    if (!monotonic) continue;
    if (pod.terminating) return plan({ pod: pod.name, reason: "terminating" });
    if (!readyForNext(pod)) return plan({ pod: pod.name, reason: "not-ready" });
  }

  // Kubernetes lets OrderedReady delete the first unhealthy pod (the lowest unhealthy ordinal overall).
  const firstUnhealthy = [...input.pods]
    .filter((p) => !(p.runningAndReady && !p.terminating))
    .sort((a, b) => a.ordinal - b.ordinal)[0];
  for (const pod of condemned) {
    if (pod.terminating) {
      if (monotonic) return plan({ pod: pod.name, reason: "terminating" });
      continue;
    }
    if (monotonic && !pod.runningAndReady && pod !== firstUnhealthy)
      return plan({ pod: firstUnhealthy?.name ?? pod.name, reason: "not-ready" });
    if (budget <= 0) return plan({ pod: pod.name, reason: "max-unavailable" });
    condemn.push(pod);
    budget--;
    if (monotonic) return plan();
  }
  return plan();
}
