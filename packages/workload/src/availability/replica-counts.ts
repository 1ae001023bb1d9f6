import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAtRevision } from "../revision/revision-match.ts";
import { isPodUpdateReady, isWorkloadPodAvailable } from "./pod-availability.ts";

/** The pod counts a workload reports in status (CloneSet's field names). */
export interface ReplicaCounts {
  replicas: number;
  readyReplicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  updatedReadyReplicas: number;
  updatedAvailableReplicas: number;
}

/**
 * Counts over the workload's active pods: ready = Running, Ready and InPlaceUpdateReady not False;
 * available = also ready for minReadySeconds and in lifecycle state Normal; updated = at the update revision.
 */
export function countReplicas(
  pods: readonly Pod[],
  updateRevision: string,
  minReadySeconds: number,
  now: number,
): ReplicaCounts {
  const counts: ReplicaCounts = {
    replicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    updatedReplicas: 0,
    updatedReadyReplicas: 0,
    updatedAvailableReplicas: 0,
  };
  for (const pod of pods) {
    const ready = isPodUpdateReady(pod, 0, now);
    const available = isWorkloadPodAvailable(pod, minReadySeconds, now);
    counts.replicas++;
    if (ready) counts.readyReplicas++;
    if (available) counts.availableReplicas++;
    if (!isPodAtRevision(pod, updateRevision)) continue;
    counts.updatedReplicas++;
    if (ready) counts.updatedReadyReplicas++;
    if (available) counts.updatedAvailableReplicas++;
  }
  return counts;
}

/**
 * The revision to report as current: the update revision once every pod is updated and the pod count
 * matches spec.replicas (readiness is not required), else the previous current revision.
 */
export function nextCurrentRevision(
  counts: ReplicaCounts,
  specReplicas: number,
  currentRevision: string,
  updateRevision: string,
): string {
  return counts.updatedReplicas === counts.replicas && counts.replicas === specReplicas
    ? updateRevision
    : currentRevision;
}
