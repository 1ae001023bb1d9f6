import { formatKubeTime } from "@kruise/sdk";
import type { StatefulSet, StatefulSetStatus } from "@kruise/api";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { countWorkloadPods, isPodReady, isWorkloadPodAvailable } from "@kruise/workload";
import type { StatefulSetParams } from "./params.ts";

export type Condition = NonNullable<StatefulSetStatus["conditions"]>[number];

export interface StatusInput {
  readonly set: StatefulSet;
  readonly params: StatefulSetParams;
  /** Every pod of the set (terminating ones too: Kubernetes counts them in replicas). */
  readonly pods: readonly Pod[];
  readonly claims: readonly PersistentVolumeClaim[];
  readonly currentRevision: string;
  readonly updateRevision: string;
  readonly collisionCount: number;
  readonly conditions: Condition[] | undefined;
  readonly labelSelector: string;
  readonly now: number;
}

/**
 * The status OpenKruise's Advanced StatefulSet reports: Kubernetes' counts (replicas counts every pod; current
 * and updated only created, non-terminating ones), OpenKruise's updatedReady/updatedAvailable, and per claim
 * template how many pods have a claim of that template that exists (and how many of those are ready). The
 * rollout completes (currentRevision := updateRevision) when every pod is updated and ready.
 */
export function calculateStatus(input: StatusInput): StatefulSetStatus {
  const { set, params, now } = input;
  const replicas = input.pods.length;
  const counts = countWorkloadPods(
    input.pods,
    { current: input.currentRevision, update: input.updateRevision },
    {
      isReady: isRunningAndReady,
      isAvailable: (pod, ready) => ready && isWorkloadPodAvailable(pod, params.minReadySeconds, now),
      // Kubernetes counts current and updated only for created, non-terminating pods.
      hasRevision: (pod) => pod.metadata?.deletionTimestamp === undefined && pod.status?.phase !== undefined,
    },
  );
  const { ready, available, updated, updatedReady, updatedAvailable } = counts;
  let current = counts.current;
  let currentRevision = input.currentRevision;
  if (!params.onDelete && updated === replicas && ready === replicas) {
    currentRevision = input.updateRevision;
    current = updated;
  }
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas,
    readyReplicas: ready,
    availableReplicas: available,
    currentReplicas: current,
    updatedReplicas: updated,
    updatedReadyReplicas: updatedReady,
    updatedAvailableReplicas: updatedAvailable,
    currentRevision,
    updateRevision: input.updateRevision,
    collisionCount: input.collisionCount,
    labelSelector: input.labelSelector,
  };
  const templates = set.spec?.volumeClaimTemplates ?? [];
  if (templates.length > 0) {
    const claimNames = new Set(input.claims.map((c) => c.metadata?.name));
    status.volumeClaims = templates.map((t) => {
      const name = t.metadata?.name ?? "";
      let compatible = 0;
      let compatibleReady = 0;
      for (const pod of input.pods) {
        if (!claimNames.has(`${name}-${pod.metadata?.name ?? ""}`)) continue;
        compatible++;
        if (isRunningAndReady(pod)) compatibleReady++;
      }
      return {
        volumeClaimName: name,
        compatibleReplicas: compatible,
        compatibleReadyReplicas: compatibleReady,
      };
    });
  }
  if (input.conditions !== undefined && input.conditions.length > 0) status.conditions = input.conditions;
  return status;
}

/** Ready as Kubernetes' StatefulSet counts it: Running with the Ready condition True. */
function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod);
}

/** A True condition of `type` saying why (FailedCreatePod, FailedUpdatePod …), stamped now; set with the kit's setCondition. */
export function trueCondition(type: string, reason: string, message: string, now: number): Condition {
  return { type, status: "True", reason, message, lastTransitionTime: formatKubeTime(now) };
}
