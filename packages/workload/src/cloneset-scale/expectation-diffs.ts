import type { Pod } from "kubernetes-types/core/v1.js";
import { isWorkloadPodAvailable } from "../availability/pod-availability.ts";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "../lifecycle/state.ts";
import { isPodAtRevision } from "../revision/revision-match.ts";
import { isSpecifiedDelete } from "./specified-delete.ts";
import {
  resolveStrategy,
  type ResolvedStrategy,
  type ScaleStrategyParams,
  type UpdateStrategyParams,
} from "./strategy-params.ts";

/**
 * What a workload needs to do to match its spec, in counts (OpenKruise's expectationDiffs). All fields
 * are 0 when nothing is to be done.
 */
export interface ExpectationDiffs {
  /** Pods to create. */
  scaleUpNum: number;
  /** Of those, how many at the current (old) revision, to honour the partition; may exceed scaleUpNum. */
  scaleUpNumOldRevision: number;
  /** Pods to delete beyond those already marked for deletion. */
  scaleDownNum: number;
  /** Of those, how many at the old revision; may exceed scaleDownNum. */
  scaleDownNumOldRevision: number;
  /** How many pods may be created now, given scaleStrategy.maxUnavailable. */
  scaleUpLimit: number;
  /** How many ready pods may be deleted now without exceeding maxUnavailable. */
  deleteReadyLimit: number;
  /** Extra pods above replicas in use right now (maxSurge). */
  useSurge: number;
  /** The part of useSurge at the old revision. */
  useSurgeOldRevision: number;
  /** Pods to move to the update revision (> 0) or back to the current revision (< 0, partition rollback). */
  updateNum: number;
  /** The cap on unavailable pods while updating. */
  updateMaxUnavailable: number;
}

export interface ExpectationDiffsInput {
  readonly replicas: number;
  /** Active pods owned by the workload. */
  readonly pods: readonly Pod[];
  readonly currentRevision: string;
  readonly updateRevision: string;
  readonly updateStrategy: UpdateStrategyParams;
  readonly scaleStrategy?: ScaleStrategyParams;
  readonly minReadySeconds?: number;
  /** Epoch ms; availability is judged at this instant. */
  readonly now: number;
  /** Gate CloneSetPartitionRollback: raising the partition moves updated pods back. */
  readonly partitionRollback?: boolean;
  /** Which pods count as updated; defaults to "carries the update revision" (PreparingUpdateAsUpdate overrides it). */
  readonly isPodUpdated?: (pod: Pod, updateRevision: string) => boolean;
}

/** Every count 0: nothing to scale or update. A result starts from it; tests state only the counts that differ. */
export const NO_EXPECTATION_DIFFS: Readonly<ExpectationDiffs> = Object.freeze({
  scaleUpNum: 0,
  scaleUpNumOldRevision: 0,
  scaleDownNum: 0,
  scaleDownNumOldRevision: 0,
  scaleUpLimit: 0,
  deleteReadyLimit: 0,
  useSurge: 0,
  useSurgeOldRevision: 0,
  updateNum: 0,
  updateMaxUnavailable: 0,
});

/** True when every count is 0: the workload matches its spec. */
export function isDiffsEmpty(diffs: ExpectationDiffs): boolean {
  return (Object.keys(NO_EXPECTATION_DIFFS) as Array<keyof ExpectationDiffs>).every((k) => diffs[k] === 0);
}

/**
 * OpenKruise's central CloneSet calculation ("diffs with expectation"): from the pods by revision,
 * availability and deletion marks, with partition, maxSurge and maxUnavailable, how many pods to create,
 * delete and update now. Scale and update are never both acted on in one reconcile; scale goes first.
 * Throws IntOrStringError for malformed strategy values.
 */
export function calculateExpectationDiffs(
  input: ExpectationDiffsInput,
  resolved?: ResolvedStrategy,
): ExpectationDiffs {
  const { replicas, pods, updateRevision } = input;
  const { partition, maxSurge, maxUnavailable, scaleMaxUnavailable } =
    resolved ?? resolveStrategy(replicas, input.updateStrategy, input.scaleStrategy);
  const minReadySeconds = input.minReadySeconds ?? 0;
  const isUpdated = input.isPodUpdated ?? ((pod: Pod, rev: string) => isPodAtRevision(pod, rev));
  const podsToDelete = input.scaleStrategy?.podsToDelete;

  const counts = {
    new: { total: 0, active: 0, unavailable: 0, toDelete: 0, preDeleting: 0 },
    old: { total: 0, active: 0, unavailable: 0, toDelete: 0, preDeleting: 0 },
  };
  for (const pod of pods) {
    const c = isUpdated(pod, updateRevision) ? counts.new : counts.old;
    c.total++;
    if (getLifecycleState(pod) === LifecycleState.PreparingDelete) {
      c.preDeleting++;
      continue;
    }
    c.active++;
    if (isSpecifiedDelete(pod, podsToDelete)) c.toDelete++;
    else if (!isWorkloadPodAvailable(pod, minReadySeconds, input.now)) c.unavailable++;
  }

  const res: ExpectationDiffs = { ...NO_EXPECTATION_DIFFS };
  // Positive: old pods beyond the partition (to update). Negative: too few old pods (rollback).
  let updateOldDiff = counts.old.active - partition;
  // Negative: too few new pods. Positive: more new pods than replicas - partition (rollback).
  let updateNewDiff = counts.new.active - (replicas - partition);
  const totalUnavailable =
    counts.new.preDeleting + counts.old.preDeleting + counts.new.unavailable + counts.old.unavailable;
  if (input.updateRevision === input.currentRevision || input.partitionRollback !== true) {
    // Only forward: pods may move to the update revision but never back.
    updateOldDiff = Math.max(updateOldDiff, 0);
    updateNewDiff = Math.min(updateNewDiff, 0);
  }

  if (maxSurge > 0) {
    // Surge to replace specified-delete pods without going below availability.
    let scaleSurge = 0;
    let scaleOldRevisionSurge = 0;
    const toDeleteCount = counts.new.toDelete + counts.old.toDelete;
    if (toDeleteCount > 0) {
      scaleSurge = Math.min(Math.max(totalUnavailable + toDeleteCount - maxUnavailable, 0), toDeleteCount);
      if (scaleSurge > counts.new.toDelete) scaleOldRevisionSurge = scaleSurge - counts.new.toDelete;
    }
    // Surge to move pods between revisions: only when old and new are off in opposite directions.
    let updateSurge = 0;
    let updateOldRevisionSurge = 0;
    if ((updateOldDiff > 0 && updateNewDiff < 0) || (updateOldDiff < 0 && updateNewDiff > 0)) {
      if (Math.abs(updateOldDiff) <= Math.abs(updateNewDiff)) {
        updateSurge = Math.abs(updateOldDiff);
        if (updateOldDiff < 0) updateOldRevisionSurge = updateSurge;
      } else {
        updateSurge = Math.abs(updateNewDiff);
        if (updateNewDiff > 0) updateOldRevisionSurge = updateSurge;
      }
    }
    // Scale and update never act in the same reconcile, so take whichever needs more surge.
    if (scaleSurge >= updateSurge) {
      res.useSurge = Math.min(maxSurge, scaleSurge);
      res.useSurgeOldRevision = Math.min(res.useSurge, scaleOldRevisionSurge);
    } else {
      res.useSurge = Math.min(maxSurge, updateSurge);
      res.useSurgeOldRevision = Math.min(res.useSurge, updateOldRevisionSurge);
    }
  }

  let currentTotal = pods.length;
  let currentOldTotal = counts.old.total;
  if (input.scaleStrategy?.excludePreparingDelete === true) {
    currentTotal -= counts.old.preDeleting + counts.new.preDeleting;
    currentOldTotal -= counts.old.preDeleting;
  }
  const expectedTotal = replicas + res.useSurge;
  const expectedOldTotal = partition + res.useSurgeOldRevision;

  const up = expectedTotal - currentTotal;
  if (up > 0) {
    res.scaleUpNum = up;
    res.scaleUpNumOldRevision = Math.max(expectedOldTotal - currentOldTotal, 0);
    res.scaleUpLimit = Math.min(res.scaleUpNum, Math.max(scaleMaxUnavailable - totalUnavailable, 0));
  }

  // Pods already marked for deletion are not part of the scale-down count.
  const down = currentTotal - counts.old.toDelete - counts.new.toDelete - expectedTotal;
  if (down > 0) {
    res.scaleDownNum = down;
    res.scaleDownNumOldRevision = Math.max(currentOldTotal - counts.old.toDelete - expectedOldTotal, 0);
  }
  if (counts.new.toDelete > 0 || counts.old.toDelete > 0 || res.scaleDownNum > 0) {
    res.deleteReadyLimit = Math.max(maxUnavailable + (pods.length - replicas) - totalUnavailable, 0);
  }

  res.updateNum = Math.abs(updateOldDiff) <= Math.abs(updateNewDiff) ? updateOldDiff : 0 - updateNewDiff;
  if (res.updateNum !== 0) res.updateMaxUnavailable = maxUnavailable + pods.length - replicas;
  return res;
}
