import type { Pod } from "kubernetes-types/core/v1.js";
import {
  LIFECYCLE_NOT_READY_USER_AGENT,
  PREPARING_DELETE_NOT_READY_KEY,
  PREPARING_UPDATE_NOT_READY_KEY,
  type NotReadyEntry,
} from "./not-ready-keys.ts";
import { LifecycleState } from "@kruise/api";
import { lifecycleStateMetadata } from "./state.ts";
import type { LifecycleTransition } from "./transitions.ts";

/**
 * The JSON merge patch that moves a pod to `transition.to`: state label, timestamp annotation and, when
 * leaving Updated, the inPlaceUpdate hook's labels and finalizers again. The resourceVersion makes the
 * write fail on a stale pod instead of overwriting someone's change.
 */
export function lifecycleMergePatch(
  pod: Pod,
  transition: LifecycleTransition,
  now: number,
): Record<string, unknown> {
  const meta = lifecycleStateMetadata(transition.to, now);
  const labels: Record<string, string> = { ...meta.labels, ...(transition.reapplyHook?.labelsHandler ?? {}) };
  const metadata: Record<string, unknown> = { labels, annotations: meta.annotations };
  const extraFinalizers = transition.reapplyHook?.finalizersHandler ?? [];
  if (extraFinalizers.length > 0) {
    const current = pod.metadata?.finalizers ?? [];
    metadata["finalizers"] = [...current, ...extraFinalizers.filter((f) => !current.includes(f))];
  }
  if (pod.metadata?.resourceVersion !== undefined) metadata["resourceVersion"] = pod.metadata.resourceVersion;
  return { metadata };
}

/**
 * Which KruisePodReady entry a state change adds or removes when markPodNotReady is set: entering
 * PreparingDelete/PreparingUpdate adds one; reaching Updated or Normal removes the update one.
 */
export function notReadyChangeFor(state: LifecycleState): { entry: NotReadyEntry; add: boolean } | undefined {
  switch (state) {
    case LifecycleState.PreparingDelete:
      return {
        entry: { userAgent: LIFECYCLE_NOT_READY_USER_AGENT, key: PREPARING_DELETE_NOT_READY_KEY },
        add: true,
      };
    case LifecycleState.PreparingUpdate:
      return {
        entry: { userAgent: LIFECYCLE_NOT_READY_USER_AGENT, key: PREPARING_UPDATE_NOT_READY_KEY },
        add: true,
      };
    case LifecycleState.Updated:
    case LifecycleState.Normal:
      // OpenKruise removes the entry only on Updated; removing it on Normal too means a pod that skips
      // Updated (hook already all-present) cannot stay NotReady forever.
      return {
        entry: { userAgent: LIFECYCLE_NOT_READY_USER_AGENT, key: PREPARING_UPDATE_NOT_READY_KEY },
        add: false,
      };
    default:
      return undefined;
  }
}
