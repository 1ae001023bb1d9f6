import type { Pod } from "kubernetes-types/core/v1.js";
import { isWorkloadPodAvailable } from "../availability/pod-availability.ts";
import { hasInPlaceUpdateGrace } from "../inplace/update-state.ts";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "../lifecycle/state.ts";
import { orderPodsForUpdate, type UpdateOrderOptions } from "../ordering/update-order.ts";
import { isPodAtRevision } from "../revision/revision-match.ts";
import {
  calculateExpectationDiffs,
  type ExpectationDiffs,
  type ExpectationDiffsInput,
} from "../cloneset-scale/expectation-diffs.ts";

export interface UpdatePlanInput extends ExpectationDiffsInput {
  /** Pods a workload wants to hold back individually (Advanced DaemonSet node selector, …). */
  readonly isPodUpdatePaused?: (pod: Pod) => boolean;
  /** Replaces the default ActivePods order (e.g. ordinal order for Advanced StatefulSet). */
  readonly baseLess?: UpdateOrderOptions["baseLess"];
}

/**
 * Which pods to update now and to which revision (OpenKruise's Update, steps 2–5): nothing while paused or
 * with OnDelete; otherwise the pods not yet at the target revision — skipping those in PreparingDelete or
 * still in an in-place grace period — ordered (default, priority, scatter, PreparingUpdate first) and cut to
 * |updateNum| and to the unavailability budget. Updating a pod that is already unavailable costs no budget.
 */
export interface UpdatePlan {
  readonly diffs: ExpectationDiffs;
  /** Name of the revision the chosen pods move to (the current one when rolling back a partition). */
  readonly targetRevision: string;
  readonly pods: Pod[];
}

export function planUpdate(input: UpdatePlanInput): UpdatePlan {
  // Counting for updates never treats PreparingUpdate pods as updated, whatever scaling does.
  const { isPodUpdated: _ignored, ...forUpdate } = input;
  const diffs = calculateExpectationDiffs(forUpdate);
  const none = { diffs, targetRevision: input.updateRevision, pods: [] };
  if (
    input.updateStrategy.paused === true ||
    input.updateStrategy.type === "OnDelete" ||
    diffs.updateNum === 0
  )
    return none;

  const forward = diffs.updateNum > 0;
  const targetRevision = forward ? input.updateRevision : input.currentRevision;
  const candidates = input.pods.filter((pod) => {
    if (input.isPodUpdatePaused?.(pod) === true) return false;
    const atUpdate = isPodAtRevision(pod, input.updateRevision);
    if (forward === atUpdate) return false;
    switch (getLifecycleState(pod)) {
      case LifecycleState.PreparingDelete:
        return false;
      case LifecycleState.Updated:
        return true;
      default:
        return !hasInPlaceUpdateGrace(pod);
    }
  });

  const ordered = orderPodsForUpdate(candidates, input.pods, {
    ...(input.updateStrategy.priorityStrategy !== undefined
      ? { priorityStrategy: input.updateStrategy.priorityStrategy }
      : {}),
    ...(input.updateStrategy.scatterStrategy !== undefined
      ? { scatterStrategy: input.updateStrategy.scatterStrategy }
      : {}),
    ...(input.baseLess !== undefined ? { baseLess: input.baseLess } : {}),
  });
  return {
    diffs,
    targetRevision,
    pods: limitByUnavailability(ordered.slice(0, Math.abs(diffs.updateNum)), input, diffs, targetRevision),
  };
}

function limitByUnavailability(
  ordered: readonly Pod[],
  input: UpdatePlanInput,
  diffs: ExpectationDiffs,
  targetRevision: string,
): Pod[] {
  const minReady = input.minReadySeconds ?? 0;
  const available = (p: Pod): boolean => isWorkloadPodAvailable(p, minReady, input.now);
  let unavailable = 0;
  let targetUnavailable = 0;
  for (const pod of input.pods) {
    if (available(pod)) continue;
    unavailable++;
    if (isPodAtRevision(pod, targetRevision)) targetUnavailable++;
  }
  let allowed = 0;
  for (const pod of ordered) {
    // Unavailable pods already at the target plus those being updated now stay within maxUnavailable.
    if (targetUnavailable + allowed >= diffs.updateMaxUnavailable) break;
    // So do unavailable pods of any revision; updating a pod that is already unavailable adds none.
    if (available(pod)) {
      if (unavailable >= diffs.updateMaxUnavailable) break;
      unavailable++;
    }
    allowed++;
  }
  return ordered.slice(0, allowed);
}
