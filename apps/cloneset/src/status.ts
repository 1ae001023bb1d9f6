import type { CloneSet, CloneSetStatus } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  countWorkloadPods,
  isPodUpdateReady,
  isWorkloadPodAvailable,
  partitionReplicas,
  labelSelectorString,
} from "@kruise/workload";
import type { CloneSetParams } from "./strategy.ts";

export interface StatusInput {
  readonly cloneSet: CloneSet;
  readonly params: CloneSetParams;
  /** Active pods the CloneSet owns. */
  readonly pods: readonly Pod[];
  readonly updateRevision: string;
  readonly currentRevision: string;
  readonly collisionCount: number;
  readonly now: number;
}

/**
 * OpenKruise's CloneSet status counts (conditions are merged in separately, in reconcile.ts). Ready means
 * Running, Ready and not in the middle of an in-place update; available adds minReadySeconds and lifecycle
 * state Normal. currentRevision moves to updateRevision once every pod is updated and replicas match spec
 * (readiness not required), as OpenKruise does.
 */
export function calculateStatus(input: StatusInput): CloneSetStatus {
  const { cloneSet, params, pods, updateRevision, now } = input;
  const { ready, available, updated, updatedReady, updatedAvailable } = countWorkloadPods(
    pods,
    { current: input.currentRevision, update: updateRevision },
    {
      isReady: (pod) => isPodUpdateReady(pod, 0, now),
      isAvailable: (pod) => isWorkloadPodAvailable(pod, params.minReadySeconds, now),
    },
  );
  const replicas = pods.length;
  let partition = 0;
  try {
    partition = partitionReplicas(params.update.partition, params.replicas);
  } catch {
    // A malformed partition is reported through the FailedUpdate condition; the counts still go out.
  }
  const currentRevision =
    updated === replicas && replicas === params.replicas ? updateRevision : input.currentRevision;
  const status: CloneSetStatus = {
    observedGeneration: cloneSet.metadata?.generation ?? 0,
    replicas,
    readyReplicas: ready,
    availableReplicas: available,
    updatedReplicas: updated,
    updatedReadyReplicas: updatedReady,
    updatedAvailableReplicas: updatedAvailable,
    expectedUpdatedReplicas: Math.max(params.replicas - partition, 0),
    updateRevision,
    currentRevision,
    collisionCount: input.collisionCount,
    labelSelector: labelSelectorString(cloneSet.spec?.selector),
  };
  const conditions = cloneSet.status?.conditions;
  if (conditions !== undefined && conditions.length > 0)
    status.conditions = conditions.map((c) => ({ ...c }));
  return status;
}
