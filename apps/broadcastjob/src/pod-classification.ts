import type { Pod } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";

export interface ClassifiedPods {
  active: ReadOnly<Pod>[];
  failed: ReadOnly<Pod>[];
  succeeded: ReadOnly<Pod>[];
}

/**
 * Sorts job pods into active, failed and succeeded, as OpenKruise counts them: Succeeded/Failed by phase; an
 * OnFailure pod whose containers restarted more than restartLimit times in total counts as failed; pods being
 * deleted (and not yet finished) count as nothing.
 */
export function classifyPods(pods: readonly ReadOnly<Pod>[], restartLimit: number): ClassifiedPods {
  const result: ClassifiedPods = { active: [], failed: [], succeeded: [] };
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === "Succeeded") result.succeeded.push(pod);
    else if (phase === "Failed") result.failed.push(pod);
    else if (pod.metadata?.deletionTimestamp) continue;
    else if (exceededRestartLimit(pod, restartLimit)) result.failed.push(pod);
    else result.active.push(pod);
  }
  return result;
}

/** Only OnFailure pods restart in place; their total restart count above the limit makes them failed. */
export function exceededRestartLimit(pod: ReadOnly<Pod>, restartLimit: number): boolean {
  if (pod.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const s of pod.status?.initContainerStatuses ?? []) restarts += s.restartCount;
  for (const s of pod.status?.containerStatuses ?? []) restarts += s.restartCount;
  return restarts > restartLimit;
}
