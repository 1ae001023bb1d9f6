import type { ReadOnly } from "@kruise/sdk";
import type { Pod, PodCondition } from "kubernetes-types/core/v1.js";

export function getPodCondition(pod: Pod, type: string): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === type);
}

/** Kubelet's view: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return getPodCondition(pod, "Ready")?.status === "True";
}

/** When the pod last became Ready, in epoch ms; undefined when not ready or the time is missing. */
export function podReadySince(pod: Pod): number | undefined {
  const ready = getPodCondition(pod, "Ready");
  if (ready?.status !== "True" || ready.lastTransitionTime === undefined) return undefined;
  const t = Date.parse(ready.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/** Pods that still count: not terminal and not being deleted (Kubernetes' IsPodActive). */
export function isPodActive(pod: ReadOnly<Pod>): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && pod.metadata?.deletionTimestamp === undefined;
}
