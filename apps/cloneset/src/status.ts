import type { CloneSet, CloneSetCondition, CloneSetStatus } from "@kruise/api";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  isPodAtRevision,
  isPodUpdateReady,
  isWorkloadPodAvailable,
  jsonEqual,
  partitionReplicas,
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
 * OpenKruise's CloneSet status counts (conditions are merged in separately, see conditions.ts). Ready means
 * Running, Ready and not in the middle of an in-place update; available adds minReadySeconds and lifecycle
 * state Normal. currentRevision moves to updateRevision once every pod is updated and replicas match spec
 * (readiness not required), as OpenKruise does.
 */
export function calculateStatus(input: StatusInput): CloneSetStatus {
  const { cloneSet, params, pods, updateRevision, now } = input;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let updatedReady = 0;
  let updatedAvailable = 0;
  for (const pod of pods) {
    const isUpdated = isPodAtRevision(pod, updateRevision);
    const isReady = isPodUpdateReady(pod, 0, now);
    const isAvailable = isWorkloadPodAvailable(pod, params.minReadySeconds, now);
    if (isReady) ready++;
    if (isAvailable) available++;
    if (isUpdated) {
      updated++;
      if (isReady) updatedReady++;
      if (isAvailable) updatedAvailable++;
    }
  }
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
    labelSelector: selectorString(cloneSet.spec?.selector),
  };
  const conditions = cloneSet.status?.conditions;
  if (conditions !== undefined && conditions.length > 0)
    status.conditions = conditions.map((c) => ({ ...c }));
  return status;
}

/** The selector in kubectl's string form, for the scale subresource and the HPA. */
export function selectorString(selector: LabelSelector | undefined): string {
  if (selector === undefined) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  ))
    parts.push(`${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort();
    switch (req.operator) {
      case "In":
        parts.push(`${req.key} in (${values.join(",")})`);
        break;
      case "NotIn":
        parts.push(`${req.key} notin (${values.join(",")})`);
        break;
      case "Exists":
        parts.push(req.key);
        break;
      case "DoesNotExist":
        parts.push(`!${req.key}`);
        break;
      default:
        break;
    }
  }
  return parts.join(",");
}

/** Sets (or replaces) a condition, keeping lastTransitionTime when the status did not change. */
export function setCondition(
  conditions: readonly CloneSetCondition[] | undefined,
  next: CloneSetCondition,
): CloneSetCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const existing = i >= 0 ? list[i] : undefined;
  if (
    existing !== undefined &&
    existing.status === next.status &&
    existing.reason === next.reason &&
    existing.message === next.message
  )
    return list;
  const merged: CloneSetCondition = {
    ...next,
    ...(existing !== undefined && existing.status === next.status && existing.lastTransitionTime !== undefined
      ? { lastTransitionTime: existing.lastTransitionTime }
      : {}),
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function removeCondition(
  conditions: readonly CloneSetCondition[] | undefined,
  type: string,
): CloneSetCondition[] | undefined {
  if (conditions === undefined) return undefined;
  const list = conditions.filter((c) => c.type !== type);
  return list.length === conditions.length ? [...conditions] : list;
}

/** Structural equality that ignores key order, to write status only when it changed. */
export function statusEqual(a: CloneSetStatus | undefined, b: CloneSetStatus | undefined): boolean {
  return jsonEqual(a ?? {}, b ?? {});
}
