import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { calculateInPlaceUpdate, type InPlaceUpdateSpec } from "../inplace/update-spec.ts";
import type { Lifecycle } from "../lifecycle/hooks.ts";
import { decideInPlaceUpdateLifecycle, type LifecycleTransition } from "../lifecycle/transitions.ts";
import type { PodUpdatePolicy } from "../cloneset-scale/strategy-params.ts";

export interface PodUpdateInput {
  readonly pod: Pod;
  readonly policy: PodUpdatePolicy;
  /** Template of the revision the pod is at now (undefined when that revision is gone). */
  readonly fromTemplate: PodTemplateSpec | undefined;
  readonly toTemplate: PodTemplateSpec | undefined;
  readonly toRevision: string;
  readonly gracePeriodSeconds?: number;
  /** Gate InPlaceWorkloadVerticalScaling: cpu/memory changes are resized in place (see calculateInPlaceUpdate). */
  readonly verticalScaling?: boolean;
  /** Gate InPlaceUpdateEnvFromMetadata (see calculateInPlaceUpdate). */
  readonly envFromMetadata?: boolean;
  readonly lifecycle?: Lifecycle;
  /**
   * Set when something outside the template forces a recreate (CloneSet: volumeClaimTemplates changed with
   * gate RecreatePodWhenChangeVCTInCloneSetGate). Ignored for InPlaceOnly, as in OpenKruise.
   */
  readonly forceRecreateReason?: string;
}

/**
 * How to move one chosen pod to its target revision:
 * - "inPlace": patch it (kit/update-executor, through updatePodInPlaceByPatch) with `spec`, writing lifecycle Updating;
 * - "lifecycle": write this lifecycle transition first (the inPlaceUpdate hook must release the pod);
 * - "wait": a hook still holds the pod;
 * - "recreate": mark it specified-delete; scaling deletes it and creates a replacement at the new revision;
 * - "error": InPlaceOnly but the change cannot be made in place, or a state that forbids updating.
 */
export type PodUpdateDecision =
  | { readonly kind: "inPlace"; readonly spec: InPlaceUpdateSpec }
  | { readonly kind: "lifecycle"; readonly transition: LifecycleTransition }
  | { readonly kind: "wait" }
  | { readonly kind: "recreate"; readonly reason: string }
  | { readonly kind: "error"; readonly message: string };

export function decidePodUpdate(input: PodUpdateInput): PodUpdateDecision {
  const name = input.pod.metadata?.name ?? "";
  if (input.policy === "ReCreate") return { kind: "recreate", reason: "podUpdatePolicy is ReCreate" };
  const diff = calculateInPlaceUpdate(input.fromTemplate, input.toTemplate, {
    revision: input.toRevision,
    ...(input.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: input.gracePeriodSeconds } : {}),
    ...(input.verticalScaling === true ? { verticalScaling: true } : {}),
    ...(input.envFromMetadata === true ? { envFromMetadata: true } : {}),
  });
  const blocker = !diff.inPlace
    ? diff.reason
    : input.policy === "InPlaceIfPossible"
      ? input.forceRecreateReason
      : undefined;
  if (blocker !== undefined || !diff.inPlace) {
    const reason = blocker ?? "cannot update in place";
    if (input.policy === "InPlaceOnly")
      return {
        kind: "error",
        message: `pod ${name}: update strategy is InPlaceOnly but it cannot be updated in place: ${reason}`,
      };
    return { kind: "recreate", reason };
  }
  const gate = decideInPlaceUpdateLifecycle(input.pod, input.lifecycle);
  switch (gate.action) {
    case "update":
      return { kind: "inPlace", spec: diff.spec };
    case "transition":
      return { kind: "lifecycle", transition: gate.transition };
    case "wait":
      return { kind: "wait" };
    case "error":
      return { kind: "error", message: gate.message };
  }
}
