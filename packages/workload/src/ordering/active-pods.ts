import type { Pod } from "kubernetes-types/core/v1.js";
import { parseKubeTime } from "@kruise/sdk";
import { isPodReady, podReadySince } from "../availability/pod-conditions.ts";

/** A comparator's answer to "does a sort before b", turned into Array.prototype.sort's number. */
export type PodLess = (a: Pod, b: Pod) => boolean;

export function toComparator(less: PodLess): (a: Pod, b: Pod) => number {
  return (a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
}

// Phases not listed (Succeeded, Failed, missing) rank with Pending, as a Go map lookup of a missing key gives 0.
const PHASE_ORDER: Readonly<Record<string, number>> = { Pending: 0, Unknown: 1, Running: 2 };

export function phaseOrdinal(pod: Pod): number {
  return PHASE_ORDER[pod.status?.phase ?? ""] ?? 0;
}

export function isAssigned(pod: Pod): boolean {
  return (pod.spec?.nodeName ?? "") !== "";
}

export function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount);
  return max;
}

/**
 * "a is after b, where a missing time counts as latest of all" (Kubernetes' afterOrZero): a pod with no
 * ready or creation time has the least invested in it, so it goes first.
 */
export function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/**
 * Kubernetes' ActivePods order, the "least valuable first" order used to pick pods to update:
 * unassigned < assigned; Pending < Unknown < Running; not ready < ready; ready more recently < longer;
 * more restarts < fewer; created more recently < earlier.
 */
export const activePodsLess: PodLess = (a, b) => {
  if (isAssigned(a) !== isAssigned(b)) return !isAssigned(a);
  if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) < phaseOrdinal(b);
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return !readyA;
  return lessByReadyTimeRestartsAge(a, b, readyA && readyB);
};

/**
 * The tail both Kubernetes orders share, once everything before it ties: ready more recently < longer (only when
 * both are ready); more restarts < fewer; created more recently < earlier.
 */
export function lessByReadyTimeRestartsAge(a: Pod, b: Pod, bothReady: boolean): boolean {
  if (bothReady) {
    const ta = podReadySince(a);
    const tb = podReadySince(b);
    if (ta !== tb) return afterOrZero(ta, tb);
  }
  const ra = maxContainerRestarts(a);
  const rb = maxContainerRestarts(b);
  if (ra !== rb) return ra > rb;
  const ca = parseKubeTime(a.metadata?.creationTimestamp);
  const cb = parseKubeTime(b.metadata?.creationTimestamp);
  if (ca !== cb) return afterOrZero(ca, cb);
  return false;
}

export function sortActivePods(pods: readonly Pod[]): Pod[] {
  return [...pods].sort(toComparator(activePodsLess));
}
