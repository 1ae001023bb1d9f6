import type { Pod } from "kubernetes-types/core/v1.js";
import { INPLACE_UPDATE_READY_CONDITION } from "../keys.ts";
import { isPodAvailable } from "../availability/pod-availability.ts";
import { getPodCondition, isPodReady, podReadySince } from "../availability/pod-conditions.ts";
import { compareDaemonPods, type DaemonNode, type DaemonPodsView } from "./pods-by-node.ts";

/** The node counts of a DaemonSet's status. */
export interface DaemonStatusCounts {
  readonly desiredNumberScheduled: number;
  readonly currentNumberScheduled: number;
  readonly numberMisscheduled: number;
  readonly numberReady: number;
  readonly updatedNumberScheduled: number;
  readonly numberAvailable: number;
  readonly numberUnavailable: number;
}

export interface DaemonStatusInput extends DaemonPodsView {
  readonly nodes: readonly DaemonNode[];
}

/**
 * A daemon pod is available when Kubernetes says so and, if it carries the InPlaceUpdateReady gate, that
 * condition is not False (OpenKruise's isDaemonPodAvailable): a pod being updated in place is not available.
 */
export function isDaemonPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodAvailable(pod, minReadySeconds, now)) return false;
  const gated = (pod.spec?.readinessGates ?? []).some(
    (g) => g.conditionType === INPLACE_UPDATE_READY_CONDITION,
  );
  if (!gated) return true;
  const condition = getPodCondition(pod, INPLACE_UPDATE_READY_CONDITION);
  return condition === undefined || condition.status === "True";
}

/**
 * Status counts as Kubernetes computes them: per node that should run the pod, its first pod (bound first, then
 * oldest) decides ready, available and updated; a pod on a node that should not run one is misscheduled.
 * `requeueAfterMs` is when the next ready pod turns available, so the status catches up without polling.
 */
export function countDaemonStatus(input: DaemonStatusInput): DaemonStatusCounts & {
  readonly requeueAfterMs: number | undefined;
} {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  let requeueAfterMs: number | undefined;
  for (const node of input.nodes) {
    const pods = input.podsByNode.get(node.name) ?? [];
    if (!node.shouldRun) {
      if (pods.length > 0) misscheduled++;
      continue;
    }
    desired++;
    if (pods.length === 0) continue;
    current++;
    const pod = [...pods].sort(compareDaemonPods)[0];
    if (pod === undefined) continue;
    if (isPodReady(pod)) {
      ready++;
      if (isDaemonPodAvailable(pod, input.minReadySeconds, input.now)) available++;
      else if (input.minReadySeconds > 0) {
        const since = podReadySince(pod);
        if (since !== undefined) {
          const wait = Math.max(1, since + input.minReadySeconds * 1000 - input.now + 1);
          requeueAfterMs = requeueAfterMs === undefined ? wait : Math.min(requeueAfterMs, wait);
        }
      }
    }
    if (input.isUpdated(pod)) updated++;
  }
  return {
    desiredNumberScheduled: desired,
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
    requeueAfterMs,
  };
}
