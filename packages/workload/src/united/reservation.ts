// Adaptive scheduling's reserve mode (`reserveUnschedulablePods`, CloneSet and Deployment subsets): which pods of a
// subset are reserved, that is kept where they are while stand-ins run elsewhere (OpenKruise's
// calculateSubsetsStatusForReservedAdaptiveStrategy and its per-pod check).
import { UNITED_DEPLOYMENT_RESERVED_POD_LABEL, UNITED_DEPLOYMENT_REVISION_LABEL } from "@kruise/api";
import { parseKubeTime } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { pendingTimeout } from "./subset-view.ts";

/** The reserved label a pod carries: true, false, or undefined when it has none yet. */
export function podReservedLabel(pod: Pod): boolean | undefined {
  const value = pod.metadata?.labels?.[UNITED_DEPLOYMENT_RESERVED_POD_LABEL];
  return value === undefined ? undefined : value === "true";
}

export interface ReservedPodsInput {
  /** The subset's pods (terminating ones are skipped). */
  readonly pods: readonly Pod[];
  /** The subset's Schedulable condition is False now (it was marked unschedulable). */
  readonly markedUnschedulable: boolean;
  /** The UnitedDeployment's updated revision: a reserved pod is released only once it runs this revision. */
  readonly updatedRevision: string;
  /** `rescheduleCriticalSeconds` in ms: how long a pod may wait for a node before it is reserved. */
  readonly criticalMs: number;
  /** `unschedulableLastSeconds` in ms: how long a reserved pod must have been Ready before it is released. */
  readonly unschedulableMs: number;
  readonly now: number;
}

export interface ReservedPods {
  /** Pods counted as reserved. */
  readonly reserved: number;
  /** The other pods. */
  readonly normal: number;
  /** Pods whose reserved label must be written (missing or changed), with the value. */
  readonly labels: readonly { readonly pod: string; readonly reserved: boolean }[];
  /** The soonest moment a pod's state changes by time alone, in ms from now. */
  readonly checkAfterMs: number | undefined;
}

function readySince(pod: Pod): number | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return undefined;
  return parseKubeTime(ready.lastTransitionTime);
}

/**
 * Per pod: a pod created while its subset is marked unschedulable is reserved at once. A reserved pod stays
 * reserved until it is Running at the updated revision and has been Ready for `unschedulableMs`. An unreserved pod
 * becomes reserved when it has waited for a node longer than `criticalMs`.
 *
 * Guarantees: pure; a pod whose label already says what it is gets no label write, so a converged subset writes
 * nothing.
 * Caveats: a pod of an older revision is judged like any other (OpenKruise also reserves pods that an update left
 * behind for too long, timed from the UnitedDeployment's Updated condition, which this controller does not set).
 */
export function classifyReservedPods(input: ReservedPodsInput): ReservedPods {
  let reserved = 0;
  let normal = 0;
  const labels: { pod: string; reserved: boolean }[] = [];
  let checkAfter: number | undefined;
  const soon = (ms: number): void => {
    if (ms > 0) checkAfter = checkAfter === undefined ? ms : Math.min(checkAfter, ms);
  };
  for (const pod of input.pods) {
    if (pod.metadata?.deletionTimestamp !== undefined) continue;
    const name = pod.metadata?.name ?? "";
    const old = podReservedLabel(pod);
    let isReserved: boolean;
    if (old === undefined && input.markedUnschedulable) {
      isReserved = true;
      soon(input.unschedulableMs);
    } else if (old === true) {
      const since = readySince(pod);
      const current =
        pod.status?.phase === "Running" &&
        pod.metadata?.labels?.[UNITED_DEPLOYMENT_REVISION_LABEL] === input.updatedRevision;
      if (current && since !== undefined) {
        const releaseAt = since + input.unschedulableMs;
        // Released at the moment itself: kept reserved then, it would be "checked again in 0 ms", which is dropped.
        isReserved = releaseAt > input.now;
        if (isReserved) soon(releaseAt - input.now);
      } else {
        isReserved = true;
        soon(input.unschedulableMs);
      }
    } else {
      const t = pendingTimeout(pod, input.criticalMs, input.now);
      isReserved = t.timedOut;
      if (t.timedOut) soon(input.unschedulableMs);
      else if (t.checkAfterMs !== undefined) soon(t.checkAfterMs);
    }
    if (isReserved) reserved++;
    else normal++;
    if (old !== isReserved) labels.push({ pod: name, reserved: isReserved });
  }
  return { reserved, normal, labels, checkAfterMs: checkAfter };
}
