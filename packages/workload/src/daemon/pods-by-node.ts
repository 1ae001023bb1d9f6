import type { Pod } from "kubernetes-types/core/v1.js";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "../lifecycle/state.ts";
import { daemonPodTargetNode } from "./daemon-pod.ts";

/** A node as every daemon plan sees it. */
export interface DaemonNode {
  readonly name: string;
  /** A pod should be created here if there is none (Kubernetes' nodeShouldRunDaemonPod). */
  readonly shouldRun: boolean;
}

/**
 * What every daemon plan (placement, rollout, status counts) reads besides the nodes: the DaemonSet's pods by
 * target node, which of them are at the update revision, and what makes a pod available now.
 */
export interface DaemonPodsView {
  /** The DaemonSet's pods by target node (groupDaemonPodsByNode). */
  readonly podsByNode: ReadonlyMap<string, readonly Pod[]>;
  readonly isUpdated: (pod: Pod) => boolean;
  readonly minReadySeconds: number;
  /** Epoch ms: availability is judged at this instant. */
  readonly now: number;
}

/** Daemon pods grouped by the node they are for; pods that name no single node are left out. */
export function groupDaemonPodsByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = daemonPodTargetNode(pod);
    if (node === undefined) continue;
    const list = byNode.get(node);
    if (list) list.push(pod);
    else byNode.set(node, [pod]);
  }
  return byNode;
}

/** The lifecycle preDelete hook holds this pod (OpenKruise's isPodPreDeleting). */
export function isPodPreDeleting(pod: Pod | undefined): boolean {
  return pod !== undefined && getLifecycleState(pod) === LifecycleState.PreparingDelete;
}

/**
 * Kubernetes' podByCreationTimestampAndPhase: bound pods first, then oldest first, then by name. The first pod
 * of a node in this order is the one status counts and the one kept when a node has too many.
 */
export function compareDaemonPods(a: Pod, b: Pod): number {
  const aBound = (a.spec?.nodeName ?? "") !== "";
  const bBound = (b.spec?.nodeName ?? "") !== "";
  if (aBound !== bBound) return aBound ? -1 : 1;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? "";
  const nb = b.metadata?.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

export interface NodePods {
  /** The pod of the current revision, if exactly one. */
  readonly newPod: Pod | undefined;
  /** The pod of an older revision, if exactly one. */
  readonly oldPod: Pod | undefined;
  /** False when the node has two pods of one kind: the placement step prunes them first. */
  readonly ok: boolean;
}

/** Kubernetes' findUpdatedPodsOnNode: at most one new and one old pod among the node's non-terminating pods. */
export function findUpdatedPodsOnNode(pods: readonly Pod[], isUpdated: (pod: Pod) => boolean): NodePods {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (isUpdated(pod)) {
      if (newPod) return { newPod: undefined, oldPod: undefined, ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { newPod: undefined, oldPod: undefined, ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}
