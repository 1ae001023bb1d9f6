import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodAvailable } from "../availability/pod-availability.ts";
import { isPodReady, podReadySince } from "../availability/pod-conditions.ts";
import {
  compareDaemonPods,
  findUpdatedPodsOnNode,
  isPodPreDeleting,
  type DaemonNode,
  type DaemonPodsView,
} from "./pods-by-node.ts";

/** Whether a node should run the daemon pod (Kubernetes' nodeShouldRunDaemonPod). */
export interface NodeFit extends DaemonNode {
  /** A pod already here may stay (it tolerates the node's NoExecute taints). */
  readonly shouldContinueRunning: boolean;
}

export interface PlacementInput extends DaemonPodsView {
  /** Every Node that exists, with its fit. */
  readonly nodes: readonly NodeFit[];
  /** maxSurge > 0: a node may hold one old and one new pod. */
  readonly allowSurge: boolean;
  /** Milliseconds until a failed pod on this node may be deleted again; 0 when not backing off. */
  readonly failedPodBackoffMs: (nodeName: string) => number;
  /** Partition with partitionedScaling: only this many nodes (beyond the updated ones) may get a first pod. */
  readonly partitionedScaling?: { readonly partition: number } | undefined;
}

export interface PlacementPlan {
  /** Nodes to create a pod on, by name ascending. */
  readonly nodesNeedingPods: string[];
  /** Pods to delete (excess, misplaced, released from preDelete, or on a vanished node before binding). */
  readonly podsToDelete: Pod[];
  /** Failed pods being deleted: the caller records the backoff step and says so in a FailedDaemonPod event. */
  readonly failedPods: { readonly pod: Pod; readonly node: string }[];
  /** When to look again: a failed pod's backoff ends or a surge pod becomes available. */
  readonly requeueAfterMs: number | undefined;
}

/**
 * Kubernetes' DaemonSet `manage` step, with OpenKruise's additions (preDelete, partitionedScaling): for every
 * node, whether a pod must be created, and which pods must go.
 *
 * # Guarantees
 * - At most one pod is asked for per node, and only where none is running (or, with surge, none is left).
 * - Without surge a node keeps only its oldest running pod; with surge at most the oldest new and the oldest old
 *   one, and the old one only while the new one is not yet available (or the old one is ready and the new not).
 * - A failed pod is deleted at most once per backoff period (1 s doubling to 1 min, kept by the caller).
 */
export function planPlacement(input: PlacementInput): PlacementPlan {
  const nodesNeedingPods: string[] = [];
  const podsToDelete: Pod[] = [];
  const failedPods: { pod: Pod; node: string }[] = [];
  let requeueAfterMs: number | undefined;
  const requeue = (ms: number): void => {
    const at = Math.max(1, Math.ceil(ms));
    requeueAfterMs = requeueAfterMs === undefined ? at : Math.min(requeueAfterMs, at);
  };
  let desired = 0;
  let newPodCount = 0;
  const existing = new Set<string>();
  for (const node of input.nodes) {
    existing.add(node.name);
    const pods = input.podsByNode.get(node.name);
    if (node.shouldRun) desired++;
    if (pods !== undefined) {
      const found = findUpdatedPodsOnNode(pods, input.isUpdated);
      if (found.ok && found.newPod !== undefined) newPodCount++;
    }
    if (node.shouldRun && pods === undefined) {
      nodesNeedingPods.push(node.name);
      continue;
    }
    if (pods === undefined) continue;
    if (!node.shouldContinueRunning) {
      for (const pod of pods) if (!pod.metadata?.deletionTimestamp) podsToDelete.push(pod);
      continue;
    }
    const running: Pod[] = [];
    for (const pod of pods) {
      if (pod.metadata?.deletionTimestamp) continue;
      if (pod.status?.phase === "Failed") {
        const wait = input.failedPodBackoffMs(node.name);
        if (wait > 0) {
          requeue(wait);
          continue;
        }
        failedPods.push({ pod, node: node.name });
        podsToDelete.push(pod);
      } else if (isPodPreDeleting(pod)) {
        podsToDelete.push(pod);
      } else {
        running.push(pod);
      }
    }
    running.sort(compareDaemonPods);
    if (!input.allowSurge) {
      podsToDelete.push(...running.slice(1));
      continue;
    }
    if (running.length <= 1) {
      if (running.length === 0 && node.shouldRun) nodesNeedingPods.push(node.name);
      continue;
    }
    let oldestNew: Pod | undefined;
    let oldestOld: Pod | undefined;
    for (const pod of running) {
      if (input.isUpdated(pod)) {
        if (oldestNew === undefined) {
          oldestNew = pod;
          continue;
        }
      } else if (oldestOld === undefined) {
        oldestOld = pod;
        continue;
      }
      podsToDelete.push(pod);
    }
    if (oldestNew !== undefined && oldestOld !== undefined) {
      if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, input.minReadySeconds, input.now)) {
        podsToDelete.push(oldestOld);
      } else if (isPodReady(oldestNew) && input.minReadySeconds > 0) {
        const since = podReadySince(oldestNew) ?? input.now;
        requeue(since + input.minReadySeconds * 1000 - input.now);
      }
    }
  }
  // Pods never bound to a node that no longer exists: nothing else (the pod GC) would delete them.
  for (const [node, pods] of input.podsByNode) {
    if (existing.has(node)) continue;
    for (const pod of pods) if ((pod.spec?.nodeName ?? "") === "") podsToDelete.push(pod);
  }
  nodesNeedingPods.sort();
  let allowed = nodesNeedingPods;
  if (input.partitionedScaling !== undefined && input.partitionedScaling.partition > 0) {
    const partition = Math.max(0, Math.min(input.partitionedScaling.partition, desired));
    allowed = nodesNeedingPods.slice(0, Math.max(0, desired - newPodCount - partition));
  }
  return { nodesNeedingPods: allowed, podsToDelete, failedPods, requeueAfterMs };
}
