// The per-pod tallies a workload's status reports (ready, available, current, updated and their ready/available
// subsets), counted in one loop for every kind; what "ready", "available" and "at a revision" mean is the kind's.
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAtRevision } from "../revision/revision-match.ts";

/** How a kind reads one pod for its status counts. */
export interface PodCountRules {
  isReady(pod: Pod): boolean;
  /** `ready` is what `isReady` said of the same pod. */
  isAvailable(pod: Pod, ready: boolean): boolean;
  /**
   * Whether the pod counts at a revision at all (Advanced StatefulSet: created and not terminating). Ready and
   * available are counted either way. Absent: every pod does.
   */
  hasRevision?(pod: Pod): boolean;
}

/** The tallies; `updatedReady` and `updatedAvailable` are of the updated pods. */
export interface WorkloadPodCounts {
  ready: number;
  available: number;
  current: number;
  updated: number;
  updatedReady: number;
  updatedAvailable: number;
}

/** Counts `pods` against the current and update revisions (full name or short hash, as `isPodAtRevision`). */
export function countWorkloadPods(
  pods: readonly Pod[],
  revisions: { readonly current: string; readonly update: string },
  rules: PodCountRules,
): WorkloadPodCounts {
  const counts: WorkloadPodCounts = {
    ready: 0,
    available: 0,
    current: 0,
    updated: 0,
    updatedReady: 0,
    updatedAvailable: 0,
  };
  for (const pod of pods) {
    const ready = rules.isReady(pod);
    const available = rules.isAvailable(pod, ready);
    if (ready) counts.ready++;
    if (available) counts.available++;
    if (rules.hasRevision !== undefined && !rules.hasRevision(pod)) continue;
    if (isPodAtRevision(pod, revisions.current)) counts.current++;
    if (isPodAtRevision(pod, revisions.update)) {
      counts.updated++;
      if (ready) counts.updatedReady++;
      if (available) counts.updatedAvailable++;
    }
  }
  return counts;
}
