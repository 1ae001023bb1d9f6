import { formatKubeTime } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { LifecycleState } from "@kruise/api";
import { LIFECYCLE_STATE_LABEL, LIFECYCLE_TIMESTAMP_ANNOTATION } from "../keys.ts";

/** The pod's state label; "" when absent, which every caller treats like Normal. */
export function getLifecycleState(pod: Pod): LifecycleState | "" {
  return (pod.metadata?.labels?.[LIFECYCLE_STATE_LABEL] ?? "") as LifecycleState | "";
}

/** Absent or Normal: the only states in which a pod may count as available. */
export function isLifecycleNormal(pod: Pod): boolean {
  const state = getLifecycleState(pod);
  return state === "" || state === LifecycleState.Normal;
}

/** The metadata a state change writes: the label plus a timestamp annotation (RFC 3339, second precision). */
export function lifecycleStateMetadata(
  state: LifecycleState,
  now: number,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: { [LIFECYCLE_STATE_LABEL]: state },
    annotations: { [LIFECYCLE_TIMESTAMP_ANNOTATION]: formatKubeTime(now) },
  };
}
