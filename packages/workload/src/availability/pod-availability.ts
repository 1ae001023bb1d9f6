import type { Pod } from "kubernetes-types/core/v1.js";
import { INPLACE_UPDATE_READY_CONDITION } from "../keys.ts";
import { isLifecycleNormal } from "../lifecycle/state.ts";
import { getPodCondition, isPodReady, podReadySince } from "./pod-conditions.ts";

/**
 * Kubernetes' pod availability: Ready, and Ready for longer than minReadySeconds at `now` (epoch ms).
 * The comparison is strict, as in Kubernetes: a pod ready exactly minReadySeconds ago is not yet available.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * Ready as a workload sees it: Running, available, and not in the middle of an in-place update
 * (an InPlaceUpdateReady condition that is present must be True).
 */
export function isPodUpdateReady(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (pod.status?.phase !== "Running" || !isPodAvailable(pod, minReadySeconds, now)) return false;
  const inPlace = getPodCondition(pod, INPLACE_UPDATE_READY_CONDITION);
  return inPlace === undefined || inPlace.status === "True";
}

/**
 * Availability for OpenKruise's scale/update maths: a pod in any lifecycle state other than Normal (or no
 * label) is unavailable, whatever its readiness — a pod preparing to be deleted or updated is on its way out.
 */
export function isWorkloadPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isLifecycleNormal(pod) && isPodUpdateReady(pod, minReadySeconds, now);
}

/** isWorkloadPodAvailable with minReadySeconds 0: what OpenKruise calls "ready" when limiting deletions. */
export function isWorkloadPodReady(pod: Pod, now: number): boolean {
  return isWorkloadPodAvailable(pod, 0, now);
}

/**
 * The earliest moment (epoch ms) at which one of `pods` that is ready but not yet available will become
 * available; undefined when none will by waiting alone. A controller requeues at exactly that moment.
 */
export function nextAvailableAt(
  pods: readonly Pod[],
  minReadySeconds: number,
  now: number,
): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let earliest: number | undefined;
  for (const pod of pods) {
    if (pod.status?.phase !== "Running" || isPodAvailable(pod, minReadySeconds, now)) continue;
    const since = podReadySince(pod);
    if (since === undefined) continue;
    // Availability needs `since + minReady < now`, so the first instant that qualifies is one ms later.
    const at = since + minReadySeconds * 1000 + 1;
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}

/** How long to wait (ms) from `now` until nextAvailableAt; undefined when nothing is pending. */
export function requeueAfterForAvailability(
  pods: readonly Pod[],
  minReadySeconds: number,
  now: number,
): number | undefined {
  const at = nextAvailableAt(pods, minReadySeconds, now);
  return at === undefined ? undefined : Math.max(at - now, 0);
}
