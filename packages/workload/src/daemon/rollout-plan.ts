import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { isPodAvailable } from "../availability/pod-availability.ts";
import { selectorMatches } from "../util/label-selector.ts";
import {
  findUpdatedPodsOnNode,
  isPodPreDeleting,
  type DaemonNode,
  type DaemonPodsView,
} from "./pods-by-node.ts";

export interface RolloutNode extends DaemonNode {
  /** For the rollout's node selector. */
  readonly labels: Readonly<Record<string, string>> | undefined;
}

export interface RolloutInput extends DaemonPodsView {
  /** Every Node that exists. */
  readonly nodes: readonly RolloutNode[];
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  readonly partition: number;
  readonly selector: LabelSelector | undefined;
}

export interface RolloutPlan {
  /** The nodes the update may touch, in the order it touches them (after partition and selector). */
  readonly candidates: string[];
  /** Old pods to replace now: in place where possible, else deleted (the placement step then creates the new pod). */
  readonly oldPodsToReplace: Pod[];
  /** Surge: nodes to start a new pod on beside the old one. */
  readonly nodesToSurge: string[];
}

const isNilOrPreDeleting = (pod: Pod | undefined): boolean => pod === undefined || isPodPreDeleting(pod);

/**
 * OpenKruise's filterDaemonPodsNodeToUpdate: the nodes the rollout may touch, in order. Nodes already updated
 * (or with more pods than they should have) come first, then nodes whose old pod is gone or going, then the
 * nodes still to update: all of them, or with `selector` only those whose labels match. Each group goes by node
 * name, descending. The list is cut to (nodes − partition), so `partition` nodes keep the old revision.
 */
export function rolloutCandidates(
  input: RolloutInput,
  nodesWithPods: ReadonlyMap<string, readonly Pod[]>,
): string[] {
  const labelsOf = new Map(input.nodes.map((n) => [n.name, n.labels]));
  const names = [...nodesWithPods.keys()].sort().reverse();
  const updated: string[] = [];
  const updating: string[] = [];
  const toUpdate: string[] = [];
  for (const name of names) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(nodesWithPods.get(name) ?? [], input.isUpdated);
    if (!ok || newPod !== undefined) updated.push(name);
    else if (isNilOrPreDeleting(oldPod)) updating.push(name);
    else if (input.selector === undefined || selectorMatches(input.selector, labelsOf.get(name)))
      toUpdate.push(name);
  }
  const maxUpdate = names.length - input.partition;
  if (maxUpdate <= 0) return [];
  return [...updated, ...updating, ...toUpdate].slice(0, maxUpdate);
}

/**
 * Kubernetes' rollingUpdate with OpenKruise's partition and node selector. Without surge: replace old pods while
 * fewer than maxUnavailable candidate nodes are unavailable (an old pod that is already unavailable is always
 * replaced). With surge: start a new pod beside an old one on up to maxSurge nodes at a time, and delete the old
 * pod once the new one is available.
 *
 * # Guarantees
 * - Only candidate nodes are touched, so at most (nodes − partition) nodes are ever updated.
 * - Without surge, at most max(0, maxUnavailable − unavailable candidates) available old pods are replaced.
 * - With surge, at most max(0, maxSurge − surging candidates) new pods are started beside available old ones.
 */
export function planRollout(input: RolloutInput): RolloutPlan {
  const existing = new Set(input.nodes.map((n) => n.name));
  const nodesWithPods = new Map<string, readonly Pod[]>();
  for (const [name, pods] of input.podsByNode) if (existing.has(name)) nodesWithPods.set(name, pods);
  for (const node of input.nodes)
    if (node.shouldRun && !nodesWithPods.has(node.name)) nodesWithPods.set(node.name, []);
  const candidates = rolloutCandidates(input, nodesWithPods);
  const available = (pod: Pod): boolean => isPodAvailable(pod, input.minReadySeconds, input.now);

  if (input.maxSurge === 0) {
    let unavailable = 0;
    const replace: Pod[] = [];
    const optional: Pod[] = [];
    for (const name of candidates) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(nodesWithPods.get(name) ?? [], input.isUpdated);
      if (!ok) {
        unavailable++;
        continue;
      }
      if (isNilOrPreDeleting(oldPod) === isNilOrPreDeleting(newPod)) {
        unavailable++;
      } else if (newPod !== undefined) {
        if (!available(newPod)) unavailable++;
        if (isPodPreDeleting(newPod)) unavailable++;
      } else if (oldPod !== undefined) {
        if (!available(oldPod)) replace.push(oldPod);
        else if (unavailable < input.maxUnavailable) optional.push(oldPod);
      }
    }
    const room = Math.max(0, Math.min(input.maxUnavailable - unavailable, optional.length));
    return { candidates, oldPodsToReplace: [...replace, ...optional.slice(0, room)], nodesToSurge: [] };
  }

  let surging = 0;
  const oldPodsToReplace: Pod[] = [];
  const replace: string[] = [];
  const optional: string[] = [];
  for (const name of candidates) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(nodesWithPods.get(name) ?? [], input.isUpdated);
    if (!ok) {
      surging++;
      continue;
    }
    if (isNilOrPreDeleting(oldPod) || oldPod === undefined) continue;
    if (newPod === undefined) {
      if (!available(oldPod)) replace.push(name);
      else if (surging < input.maxSurge) optional.push(name);
      continue;
    }
    if (!available(newPod) || isPodPreDeleting(newPod)) {
      surging++;
      continue;
    }
    oldPodsToReplace.push(oldPod);
  }
  const room = Math.max(0, Math.min(input.maxSurge - surging, optional.length));
  return { candidates, oldPodsToReplace, nodesToSurge: [...replace, ...optional.slice(0, room)] };
}
