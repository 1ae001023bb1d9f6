import type { Pod } from "kubernetes-types/core/v1.js";
import { isWorkloadPodAvailable, isWorkloadPodReady } from "../availability/pod-availability.ts";
import { isLifecycleMarkPodNotReady, type Lifecycle } from "../lifecycle/hooks.ts";
import { decideDeleteLifecycle, type LifecycleTransition } from "../lifecycle/transitions.ts";
import { LifecycleState } from "@kruise/api";
import {
  sameNodeRanker,
  sortPodsForDeletion,
  spreadConstraintsRanker,
  type PodRanker,
} from "../ordering/deletion-rank.ts";
import { splitPodsByRevision } from "../revision/revision-match.ts";
import {
  calculateExpectationDiffs,
  type ExpectationDiffs,
  type ExpectationDiffsInput,
} from "./expectation-diffs.ts";
import { isSpecifiedDelete, plannedDeletes } from "./specified-delete.ts";

export interface ScalePlanInput extends ExpectationDiffsInput {
  readonly lifecycle?: Lifecycle;
  /** Topology keys of the template's topologySpreadConstraints, and node labels to resolve them. */
  readonly spread?: {
    readonly topologyKeys: readonly string[];
    readonly nodeLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  };
}

/** A pod to move into PreparingDelete instead of deleting it, because a preDelete hook holds it. */
export interface PrepareDelete {
  readonly pod: Pod;
  readonly transition: LifecycleTransition;
}

/**
 * The one scaling step to take now (OpenKruise's Scale, which stops at the first step that writes):
 * - "cancelPreparingDelete": replicas went up while pods waited in PreparingDelete; move these back to
 *   PreparingNormal instead of creating new ones;
 * - "create": create `count` pods, the first `currentRevisionCount` from the current revision's template and
 *   the rest from the update revision's (count 0 means creation is held back by scaleStrategy.maxUnavailable);
 * - "delete": delete `delete` (and their PVCs), and move `prepareDelete` to PreparingDelete;
 * - "none": nothing to do for scaling (an update may proceed).
 */
export type ScaleStep =
  | { readonly kind: "none"; readonly reason?: string }
  | { readonly kind: "cancelPreparingDelete"; readonly pods: Pod[] }
  | {
      readonly kind: "create";
      readonly count: number;
      readonly currentRevisionCount: number;
      readonly updateRevisionCount: number;
    }
  | {
      readonly kind: "delete";
      readonly reason: "preparingDelete" | "specifiedDelete" | "scaleDown";
      readonly delete: Pod[];
      readonly prepareDelete: PrepareDelete[];
    };

export interface ScalePlan {
  readonly diffs: ExpectationDiffs;
  readonly step: ScaleStep;
  /** Set when scaleStrategy.maxUnavailable holds creations back (OpenKruise emits a ScaleUpLimited event). */
  readonly scaleUpLimited?: { readonly wanted: number; readonly limit: number };
}

export function planScale(input: ScalePlanInput): ScalePlan {
  const { pods, lifecycle, now } = input;
  const podsToDelete = input.scaleStrategy?.podsToDelete;
  const planned = plannedDeletes(pods, podsToDelete);
  const diffs = calculateExpectationDiffs(input);
  const limited =
    diffs.scaleUpNum > diffs.scaleUpLimit
      ? { scaleUpLimited: { wanted: diffs.scaleUpNum, limit: diffs.scaleUpLimit } }
      : {};

  // 1. Replicas went up while pods wait in PreparingDelete: take them back rather than create new ones.
  // Not when a hook marks pods NotReady: a pod that went NotReady for deletion is never reused.
  if (!isLifecycleMarkPodNotReady(lifecycle)) {
    let room = input.replicas - pods.length + planned.count;
    const cancel: Pod[] = [];
    for (const pod of planned.preparingDelete) {
      if (room <= 0) break;
      if (isSpecifiedDelete(pod, podsToDelete)) continue;
      cancel.push(pod);
      room--;
    }
    if (cancel.length > 0)
      return { diffs, step: { kind: "cancelPreparingDelete", pods: cancel }, ...limited };
  }

  // 2. Scale up.
  if (diffs.scaleUpNum > 0) {
    const count = diffs.scaleUpLimit;
    const currentRevisionCount = Math.min(diffs.scaleUpNumOldRevision, count);
    return {
      diffs,
      step: {
        kind: "create",
        count,
        currentRevisionCount,
        updateRevisionCount: count - currentRevisionCount,
      },
      ...limited,
    };
  }

  // 3. Pods whose preDelete hook has been released.
  if (planned.preparingDelete.length > 0) {
    const step = deleteStep("preparingDelete", planned.preparingDelete, lifecycle);
    if (step !== undefined) return { diffs, step, ...limited };
  }

  // 4. Specified deletes, holding back ready pods beyond the unavailability budget.
  let readyBudget = diffs.deleteReadyLimit;
  const takeWithinBudget = (candidates: readonly Pod[]): Pod[] =>
    candidates.filter((pod) => {
      if (!isWorkloadPodReady(pod, now)) return true;
      if (readyBudget <= 0) return false;
      readyBudget--;
      return true;
    });
  const specified = planned.specified.filter((p) => !planned.preparingDelete.includes(p));
  if (specified.length > 0) {
    const step = deleteStep("specifiedDelete", takeWithinBudget(specified), lifecycle);
    if (step !== undefined) return { diffs, step, ...limited };
  }

  // 5. Ordinary scale down: old-revision pods beyond the partition first, then updated ones.
  if (diffs.scaleDownNum > 0) {
    if (planned.count > 0)
      return {
        diffs,
        step: { kind: "none", reason: "scale down waits for pods already being deleted" },
        ...limited,
      };
    // The same "updated" as the diffs used (PreparingUpdateAsUpdate counts PreparingUpdate pods as updated), as
    // OpenKruise's GroupUpdateAndNotUpdatePods does.
    const { updated, notUpdated } =
      input.isPodUpdated === undefined
        ? splitPodsByRevision(pods, input.updateRevision)
        : splitBy(pods, (p) => input.isPodUpdated?.(p, input.updateRevision) === true);
    const chosen = choosePodsToDelete(
      input,
      diffs.scaleDownNum,
      diffs.scaleDownNumOldRevision,
      notUpdated,
      updated,
    );
    const step = deleteStep("scaleDown", takeWithinBudget(chosen), lifecycle);
    if (step !== undefined) return { diffs, step, ...limited };
  }
  return { diffs, step: { kind: "none" }, ...limited };
}

function deleteStep(
  reason: "preparingDelete" | "specifiedDelete" | "scaleDown",
  pods: readonly Pod[],
  lifecycle: Lifecycle | undefined,
): ScaleStep | undefined {
  const toDelete: Pod[] = [];
  const prepare: PrepareDelete[] = [];
  for (const pod of pods) {
    const decision = decideDeleteLifecycle(pod, lifecycle);
    if (decision.action === "delete") toDelete.push(pod);
    else if (decision.action === "transition" && decision.transition.to === LifecycleState.PreparingDelete)
      prepare.push({ pod, transition: decision.transition });
  }
  return toDelete.length > 0 || prepare.length > 0
    ? { kind: "delete", reason, delete: toDelete, prepareDelete: prepare }
    : undefined;
}

/**
 * Picks `total` pods for scale-down, `oldRevision` of them (at most) from the old revision so the partition
 * ratio holds, each group in deletion order.
 */
export function choosePodsToDelete(
  input: ScalePlanInput,
  total: number,
  oldRevision: number,
  notUpdated: readonly Pod[],
  updated: readonly Pod[],
): Pod[] {
  const choose = (group: readonly Pod[], n: number): Pod[] => {
    if (n >= group.length) return [...group];
    const ranker: PodRanker =
      input.spread !== undefined && input.spread.topologyKeys.length > 0
        ? spreadConstraintsRanker(group, input.spread.topologyKeys, input.spread.nodeLabels)
        : sameNodeRanker(group);
    const minReady = input.minReadySeconds ?? 0;
    return sortPodsForDeletion(group, {
      ranker,
      isAvailable: (p) => isWorkloadPodAvailable(p, minReady, input.now),
    }).slice(0, n);
  };
  if (oldRevision >= total) return choose(notUpdated, total);
  if (oldRevision > 0) return [...choose(notUpdated, oldRevision), ...choose(updated, total - oldRevision)];
  return choose(updated, total);
}

function splitBy(
  pods: readonly Pod[],
  isUpdated: (pod: Pod) => boolean,
): { updated: Pod[]; notUpdated: Pod[] } {
  const updated: Pod[] = [];
  const notUpdated: Pod[] = [];
  for (const pod of pods) (isUpdated(pod) ? updated : notUpdated).push(pod);
  return { updated, notUpdated };
}
