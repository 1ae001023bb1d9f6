import type { Pod } from "kubernetes-types/core/v1.js";
import { getPodCondition } from "../availability/pod-conditions.ts";
import { isPodAllHooked, isPodHooked, type Lifecycle, type LifecycleHook } from "./hooks.ts";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "./state.ts";

/** A state change for the controller to write; `markPodNotReady` says whether to touch KruisePodReady too. */
export interface LifecycleTransition {
  readonly to: LifecycleState;
  readonly markPodNotReady: boolean;
  /** Re-add these hook labels/finalizers with the state change (used when a pod leaves Updated). */
  readonly reapplyHook?: LifecycleHook;
}

export interface RefreshLifecycleInput {
  readonly lifecycle: Lifecycle | undefined;
  /** Whether the pod already carries the update revision. */
  readonly atUpdateRevision: boolean;
  /** Whether an in-place update on this pod has finished (see inplace/completion). */
  readonly inPlaceUpdateCompleted: boolean;
  /**
   * Without a preNormal hook, leave PreparingNormal only once the pod is scheduled (PodScheduled=True), as
   * CloneSet does at OpenKruise HEAD. Defaults to true.
   */
  readonly waitForScheduled?: boolean;
}

/**
 * The state a pod should move to on its own, before any scaling or update decision (OpenKruise's
 * refreshPodState); undefined when it stays.
 * - PreparingNormal → Normal once preNormal is all-hooked (or there is no preNormal and the pod is scheduled).
 * - PreparingUpdate at the update revision (a rollback while waiting) and Updating once complete → Updated
 *   when a lifecycle exists and the inPlaceUpdate hook is not all-present again, else Normal.
 * - Updated → Normal once the inPlaceUpdate hook is all-present again (or there is none).
 */
export function refreshLifecycleState(
  pod: Pod,
  input: RefreshLifecycleInput,
): LifecycleTransition | undefined {
  const { lifecycle } = input;
  const markPodNotReady = lifecycle?.inPlaceUpdate?.markPodNotReady === true;
  const afterUpdate = (): LifecycleTransition =>
    lifecycle !== undefined && !isPodAllHooked(lifecycle.inPlaceUpdate, pod)
      ? { to: LifecycleState.Updated, markPodNotReady }
      : { to: LifecycleState.Normal, markPodNotReady };

  switch (getLifecycleState(pod)) {
    case LifecycleState.PreparingNormal: {
      const preNormal = lifecycle?.preNormal;
      if (preNormal === undefined) {
        const scheduled = getPodCondition(pod, "PodScheduled")?.status === "True";
        return input.waitForScheduled === false || scheduled
          ? { to: LifecycleState.Normal, markPodNotReady }
          : undefined;
      }
      return isPodAllHooked(preNormal, pod) ? { to: LifecycleState.Normal, markPodNotReady } : undefined;
    }
    case LifecycleState.PreparingUpdate:
      return input.atUpdateRevision ? afterUpdate() : undefined;
    case LifecycleState.Updating:
      return input.inPlaceUpdateCompleted ? afterUpdate() : undefined;
    case LifecycleState.Updated:
      return lifecycle?.inPlaceUpdate === undefined || isPodAllHooked(lifecycle.inPlaceUpdate, pod)
        ? { to: LifecycleState.Normal, markPodNotReady }
        : undefined;
    default:
      return undefined;
  }
}

/** What to do with a pod chosen for an in-place update, given its lifecycle. */
export type InPlaceLifecycleDecision =
  | { readonly action: "update" } // patch it now; write state Updating with the patch
  | { readonly action: "transition"; readonly transition: LifecycleTransition } // write the state, update later
  | { readonly action: "wait" } // a hook still holds it
  | { readonly action: "error"; readonly message: string };

/** OpenKruise's gate in front of an in-place update: the inPlaceUpdate hook may hold the pod in PreparingUpdate. */
export function decideInPlaceUpdateLifecycle(
  pod: Pod,
  lifecycle: Lifecycle | undefined,
): InPlaceLifecycleDecision {
  const hook = lifecycle?.inPlaceUpdate;
  const state = getLifecycleState(pod);
  switch (state) {
    case "":
    case LifecycleState.PreparingNormal:
    case LifecycleState.Normal:
      return isPodHooked(hook, pod)
        ? {
            action: "transition",
            transition: {
              to: LifecycleState.PreparingUpdate,
              markPodNotReady: hook?.markPodNotReady === true,
            },
          }
        : { action: "update" };
    case LifecycleState.Updated:
      // The previous update released the hook; put it back so the next update waits for it again.
      return hook === undefined
        ? { action: "wait" }
        : {
            action: "transition",
            transition: {
              to: LifecycleState.PreparingUpdate,
              markPodNotReady: hook.markPodNotReady === true,
              reapplyHook: hook,
            },
          };
    case LifecycleState.PreparingUpdate:
      return isPodHooked(hook, pod) ? { action: "wait" } : { action: "update" };
    case LifecycleState.Updating:
      return { action: "update" };
    default:
      return {
        action: "error",
        message: `pod ${pod.metadata?.name ?? ""} is in lifecycle state ${state}, which does not allow an in-place update`,
      };
  }
}

/** Deleting a pod: with a preDelete hook holding it, move it to PreparingDelete instead and delete later. */
export type DeleteLifecycleDecision =
  | { readonly action: "delete" }
  | { readonly action: "transition"; readonly transition: LifecycleTransition }
  | { readonly action: "wait" };

export function decideDeleteLifecycle(pod: Pod, lifecycle: Lifecycle | undefined): DeleteLifecycleDecision {
  const hook = lifecycle?.preDelete;
  if (isPodHooked(hook, pod)) {
    if (getLifecycleState(pod) === LifecycleState.PreparingDelete) return { action: "wait" };
    return {
      action: "transition",
      transition: { to: LifecycleState.PreparingDelete, markPodNotReady: hook?.markPodNotReady === true },
    };
  }
  return { action: "delete" };
}
