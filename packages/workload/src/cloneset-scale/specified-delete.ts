import type { Pod } from "kubernetes-types/core/v1.js";
import { SPECIFIED_DELETE_LABEL } from "../keys.ts";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "../lifecycle/state.ts";

/** Marked for deletion: the specified-delete label (any value) or listed in scaleStrategy.podsToDelete. */
export function isSpecifiedDelete(pod: Pod, podsToDelete: readonly string[] | undefined): boolean {
  if (pod.metadata?.labels?.[SPECIFIED_DELETE_LABEL] !== undefined) return true;
  const name = pod.metadata?.name;
  return name !== undefined && (podsToDelete ?? []).includes(name);
}

export interface PlannedDeletes {
  readonly specified: Pod[];
  readonly preparingDelete: Pod[];
  /** Distinct pods in either list: while this is non-zero, ordinary scale-down waits. */
  readonly count: number;
}

export function plannedDeletes(
  pods: readonly Pod[],
  podsToDelete: readonly string[] | undefined,
): PlannedDeletes {
  const specified: Pod[] = [];
  const preparingDelete: Pod[] = [];
  const names = new Set<Pod>();
  for (const pod of pods) {
    if (isSpecifiedDelete(pod, podsToDelete)) {
      specified.push(pod);
      names.add(pod);
    }
    if (getLifecycleState(pod) === LifecycleState.PreparingDelete) {
      preparingDelete.push(pod);
      names.add(pod);
    }
  }
  return { specified, preparingDelete, count: names.size };
}

/** podsToDelete without names of pods that no longer exist; undefined when nothing needs removing. */
export function prunePodsToDelete(
  podsToDelete: readonly string[] | undefined,
  pods: readonly Pod[],
): string[] | undefined {
  if (podsToDelete === undefined || podsToDelete.length === 0) return undefined;
  const existing = new Set(pods.map((p) => p.metadata?.name));
  const kept = podsToDelete.filter((n) => existing.has(n));
  return kept.length === podsToDelete.length ? undefined : kept;
}
