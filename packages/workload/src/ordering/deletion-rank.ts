import { MAX_INT32 } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isPodReady } from "../availability/pod-conditions.ts";
import { POD_DELETION_COST_ANNOTATION } from "../keys.ts";
import {
  isAssigned,
  lessByReadyTimeRestartsAge,
  phaseOrdinal,
  toComparator,
  type PodLess,
} from "./active-pods.ts";

/** Extra ranking: a higher rank means more crowded (same node, or an over-full topology domain) → deleted first. */
export type PodRanker = (pod: Pod) => number;

export interface DeletionOrderOptions {
  /** Workload availability (lifecycle + minReadySeconds); unavailable pods go first. */
  readonly isAvailable?: (pod: Pod) => boolean;
  readonly ranker?: PodRanker;
}

/**
 * `controller.kubernetes.io/pod-deletion-cost` as an int32; 0 when absent or malformed (a leading "+" or
 * leading zeros are malformed, as in Kubernetes).
 */
export function podDeletionCost(pod: Pod): number {
  const raw = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (raw === undefined || !/^(-\d+|0|[1-9]\d*)$/.test(raw)) return 0;
  const value = Number(raw);
  return value === 0 ? 0 : value >= -MAX_INT32 - 1 && value <= MAX_INT32 ? value : 0;
}

/**
 * OpenKruise's scale-down order, first deleted first: unassigned < assigned; Pending < Unknown < Running;
 * unavailable < available; not ready < ready; lower deletion cost < higher; higher rank < lower; ready
 * more recently < longer; more restarts < fewer; created more recently < earlier.
 */
export function deletionLess(options: DeletionOrderOptions = {}): PodLess {
  const { isAvailable, ranker } = options;
  return (a, b) => {
    if (isAssigned(a) !== isAssigned(b)) return !isAssigned(a);
    if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) < phaseOrdinal(b);
    if (isAvailable !== undefined) {
      const availA = isAvailable(a);
      if (availA !== isAvailable(b)) return !availA;
    }
    const readyA = isPodReady(a);
    const readyB = isPodReady(b);
    if (readyA !== readyB) return !readyA;
    const costA = podDeletionCost(a);
    const costB = podDeletionCost(b);
    if (costA !== costB) return costA < costB;
    const rankA = ranker?.(a) ?? 0;
    const rankB = ranker?.(b) ?? 0;
    if (rankA !== rankB) return rankA > rankB;
    return lessByReadyTimeRestartsAge(a, b, readyA && readyB);
  };
}

/** Pods in deletion order (first to delete first). Does not modify `pods`. */
export function sortPodsForDeletion(pods: readonly Pod[], options: DeletionOrderOptions = {}): Pod[] {
  return [...pods].sort(toComparator(deletionLess(options)));
}

/**
 * Ranks pods sharing a node: on a node with n pods, all but the most valuable get ranks n-1 … 1, so
 * scale-down spreads the survivors across nodes.
 */
export function sameNodeRanker(pods: readonly Pod[]): PodRanker {
  const ranks = new Map<Pod, number>();
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? "";
    if (node === "") continue;
    const list = byNode.get(node) ?? [];
    list.push(pod);
    byNode.set(node, list);
  }
  for (const onNode of byNode.values()) {
    if (onNode.length <= 1) continue;
    const sorted = sortPodsForDeletion(onNode).slice(0, -1);
    sorted.forEach((pod, i) => ranks.set(pod, sorted.length - i));
  }
  return (pod) => ranks.get(pod) ?? 0;
}

/**
 * Ranks pods by how crowded their topology domain is, for templates with topologySpreadConstraints.
 * `nodeLabels` maps node name → labels (nodes missing from it are skipped). Domains are weighted by
 * log(domains + 2) as OpenKruise does; within a domain the least valuable pod ranks highest.
 */
export function spreadConstraintsRanker(
  pods: readonly Pod[],
  topologyKeys: readonly string[],
  nodeLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): PodRanker {
  const ranks = new Map<Pod, number>();
  const sameNode = sameNodeRanker(pods);
  for (const key of topologyKeys) {
    const domains = new Map<string, Pod[]>();
    for (const pod of pods) {
      const labels = nodeLabels.get(pod.spec?.nodeName ?? "");
      const value = labels?.[key];
      if (value === undefined) continue;
      const list = domains.get(value) ?? [];
      list.push(pod);
      domains.set(value, list);
    }
    const weight = Math.log(domains.size + 2);
    // Within a hostname domain every pod shares a node, so the same-node rank would say nothing.
    const ranker = key === "kubernetes.io/hostname" ? undefined : sameNode;
    for (const inDomain of domains.values()) {
      const sorted = sortPodsForDeletion(inDomain, ranker !== undefined ? { ranker } : {});
      sorted.forEach((pod, i) => ranks.set(pod, (ranks.get(pod) ?? 0) + (sorted.length - i) * weight));
    }
  }
  return (pod) => ranks.get(pod) ?? 0;
}
