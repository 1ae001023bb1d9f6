import type { Pod, PodCondition } from "kubernetes-types/core/v1.js";
import { parseKubeTime } from "@kruise/sdk";
import { isPodAtRevision } from "../revision/revision-match.ts";
import { cloneJson } from "../util/json.ts";
import { patchSpecToPod } from "./apply-update.ts";
import { checkContainersUpdated, preCheckBeforeNextPassed } from "./completion.ts";
import { conditionsWithInPlaceReady, hasInPlaceReadinessGate } from "./readiness-gate.ts";
import { readInPlaceUpdateGrace, readInPlaceUpdateState } from "./update-state.ts";
import { INPLACE_UPDATE_GRACE_ANNOTATION, INPLACE_UPDATE_GRACE_ANNOTATION_OLD } from "../keys.ts";

/**
 * The next step of an in-place update that is already under way, for a controller to take on every
 * reconcile before deciding anything else (OpenKruise's Refresh):
 * - "wait": nothing to write yet; `requeueAfterMs` says when to look again if time alone will change that;
 * - "writePod": write this pod (grace period over, next container batch, or a stale grace dropped);
 * - "writeConditions": set InPlaceUpdateReady=True, the update is done (or the pod is new);
 * - "none": nothing in progress and the condition is already right.
 */
export type InPlaceRefreshPlan =
  | { readonly action: "none" }
  | { readonly action: "wait"; readonly reason: string; readonly requeueAfterMs?: number }
  | { readonly action: "writePod"; readonly pod: Pod; readonly reason: string }
  | { readonly action: "writeConditions"; readonly conditions: PodCondition[] };

export function planInPlaceRefresh(pod: Pod, now: number): InPlaceRefreshPlan {
  const grace = readInPlaceUpdateGrace(pod);
  if (grace !== undefined) {
    const state = readInPlaceUpdateState(pod);
    if (state === undefined)
      return { action: "wait", reason: "grace annotation present without the state annotation" };
    if (!isPodAtRevision(pod, grace.revision)) {
      // The pod was moved to another revision meanwhile: drop the parked spec and let the update start over.
      const next = cloneJson(pod);
      delete next.metadata?.annotations?.[INPLACE_UPDATE_GRACE_ANNOTATION];
      delete next.metadata?.annotations?.[INPLACE_UPDATE_GRACE_ANNOTATION_OLD];
      return { action: "writePod", pod: next, reason: "revision changed during the grace period" };
    }
    const started = parseKubeTime(state.updateTimestamp) ?? now;
    const endsAt = started + (grace.graceSeconds ?? 0) * 1000;
    if (now < endsAt) {
      // Whole seconds, rounded up, as OpenKruise requeues: never wake up a moment too early.
      return {
        action: "wait",
        reason: "in the in-place update grace period",
        requeueAfterMs: Math.ceil((endsAt - now) / 1000) * 1000,
      };
    }
    return { action: "writePod", pod: patchSpecToPod(pod, grace, state, now), reason: "grace period over" };
  }

  const state = readInPlaceUpdateState(pod);
  if (state !== undefined) {
    const containers = checkContainersUpdated(pod, state);
    if (!containers.completed) return { action: "wait", reason: containers.reason };
    const nextImages = state.nextContainerImages ?? {};
    const nextResources = state.nextContainerResources ?? {};
    const nextRefMetadata = state.nextContainerRefMetadata ?? {};
    if ([nextImages, nextResources, nextRefMetadata].some((m) => Object.keys(m).length > 0)) {
      const pre = preCheckBeforeNextPassed(pod, state);
      if (!pre.completed) return { action: "wait", reason: pre.reason };
      const next = {
        revision: state.revision,
        containerImages: nextImages,
        ...(Object.keys(nextResources).length > 0 ? { containerResources: nextResources } : {}),
        ...(Object.keys(nextRefMetadata).length > 0
          ? { containerRefMetadata: nextRefMetadata, updateEnvFromMetadata: true }
          : {}),
      };
      return {
        action: "writePod",
        pod: patchSpecToPod(pod, next, state, now),
        reason: "next container batch",
      };
    }
  }

  if (!hasInPlaceReadinessGate(pod)) return { action: "none" };
  const conditions = conditionsWithInPlaceReady(pod, "True", now);
  return conditions === undefined ? { action: "none" } : { action: "writeConditions", conditions };
}
