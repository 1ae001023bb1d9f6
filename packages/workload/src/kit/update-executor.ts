import {
  LIFECYCLE_STATE_LABEL,
  LIFECYCLE_TIMESTAMP_ANNOTATION,
  LifecycleState,
  SPECIFIED_DELETE_LABEL,
} from "@kruise/api";
import { formatKubeTime, isConflict, PodKind, type KubeObject } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodUpdatePolicy } from "../cloneset-scale/strategy-params.ts";
import { MAX_IN_FLIGHT, settleWithLimit } from "../concurrency/bounded.ts";
import { updatePodInPlaceByPatch } from "../inplace/inplace-patch.ts";
import type { Lifecycle } from "../lifecycle/hooks.ts";
import { applyLifecycleTransition } from "../lifecycle/lifecycle-client.ts";
import type { RevisionAdapter } from "../revision/revision-adapter.ts";
import { templateFromRevision } from "../revision/revision-data.ts";
import { claimTemplatesUnchanged } from "../pvc/claim-template-hash.ts";
import { decidePodUpdate } from "../update/pod-update-decision.ts";
import type { UpdatePlan } from "../update/update-plan.ts";
import type { WorkloadDeps } from "./deps.ts";

export interface UpdateExecution {
  /** The workload: Events are recorded on it. */
  readonly owner: KubeObject;
  readonly policy: PodUpdatePolicy;
  readonly gracePeriodSeconds?: number | undefined;
  /** Gate InPlaceWorkloadVerticalScaling: cpu/memory changes are resized in place through pods/resize. */
  readonly verticalScaling?: boolean | undefined;
  /** Gate InPlaceUpdateEnvFromMetadata: containers whose env uses a changed label or annotation restart in place. */
  readonly envFromMetadata?: boolean | undefined;
  readonly lifecycle: Lifecycle | undefined;
  readonly adapter: RevisionAdapter;
  /** Every revision of the workload (to find each pod's current template). */
  readonly history: readonly ControllerRevision[];
  readonly plan: Pick<UpdatePlan, "targetRevision" | "pods">;
  /**
   * How this workload replaces a pod that cannot be updated in place, returning whether it wrote anything; it
   * records its own Events. Advanced StatefulSet deletes the pod (through its preDelete hook). Default: label the
   * pod specified-delete, so that the workload's next scale step replaces it (CloneSet).
   */
  readonly recreate?: ((pod: Pod) => Promise<boolean>) | undefined;
  /**
   * CloneSet's RecreatePodWhenChangeVCTInCloneSetGate: a pod whose revision records other volumeClaimTemplates than
   * the target's (`claimTemplatesUnchanged`) is recreated, so that it gets claims made from the new templates. Not
   * for InPlaceOnly, which keeps updating in place (OpenKruise's IgnoreVolumeClaimTemplatesHashDiff).
   */
  readonly recreateWhenClaimTemplatesChange?: boolean | undefined;
}

export interface UpdateOutcome {
  readonly wrote: boolean;
  /** Messages for the workload's FailedUpdate condition. */
  readonly errors: string[];
  readonly requeueAfterMs: number | undefined;
}

/**
 * Moves the pods the update plan chose to the target revision: in place when the policy and the template diff allow
 * it (readiness gate False first, then images and labels), otherwise by marking them specified-delete so the
 * workload's next scale step replaces them. InPlaceOnly with a change that cannot be done in place is an error.
 *
 * Guarantees: at most one write per pod (plus the readiness-gate status write of an in-place update), each expected
 * in `deps.podVersions`; a conflict asks for a requeue in 1 s and is not reported. Events use OpenKruise's reasons
 * (SuccessfulUpdatePodInPlace, SuccessfulUpdatePodReCreate, FailedUpdatePodInPlace, FailedUpdatePodReCreate).
 * Caveats: the lifecycle state Updating is written only when the workload has a lifecycle (without hooks nothing
 * waits on it, and skipping it keeps an in-place update at three writes: gate False, pod, gate True).
 */
export async function executeUpdate(deps: WorkloadDeps, input: UpdateExecution): Promise<UpdateOutcome> {
  const { owner, plan, history } = input;
  const target = history.find((r) => r.metadata?.name === plan.targetRevision);
  const toTemplate = templateFromRevision(target);
  const errors: string[] = [];
  let wrote = false;
  let requeueAfterMs: number | undefined;
  const now = deps.clock.now();
  await settleWithLimit(plan.pods, MAX_IN_FLIGHT, async (pod) => {
    const name = pod.metadata?.name ?? "";
    const from = history.find((r) => input.adapter.isPodAt(pod, r.metadata?.name ?? ""));
    const decision = decidePodUpdate({
      pod,
      policy: input.policy,
      fromTemplate: templateFromRevision(from),
      toTemplate,
      toRevision: plan.targetRevision,
      ...(input.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: input.gracePeriodSeconds } : {}),
      ...(input.verticalScaling === true ? { verticalScaling: true } : {}),
      ...(input.envFromMetadata === true ? { envFromMetadata: true } : {}),
      ...(input.lifecycle !== undefined ? { lifecycle: input.lifecycle } : {}),
      ...(input.recreateWhenClaimTemplatesChange === true && !claimTemplatesUnchanged(from, target)
        ? { forceRecreateReason: "volumeClaimTemplates changed" }
        : {}),
    });
    try {
      switch (decision.kind) {
        case "inPlace": {
          const labels: Record<string, string> = { ...input.adapter.labelsFor(plan.targetRevision) };
          const annotations: Record<string, string> = {};
          if (input.lifecycle !== undefined) {
            labels[LIFECYCLE_STATE_LABEL] = LifecycleState.Updating;
            annotations[LIFECYCLE_TIMESTAMP_ANNOTATION] = formatKubeTime(now);
          }
          const result = await updatePodInPlaceByPatch(deps.client, pod, decision.spec, {
            now,
            labels,
            annotations,
          });
          deps.podVersions.expect(result.pod);
          if (result.requeueAfterMs !== undefined)
            requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, result.requeueAfterMs);
          wrote = true;
          deps.recorder.event(
            owner,
            "Normal",
            "SuccessfulUpdatePodInPlace",
            `successfully update pod ${name} in-place(revision ${plan.targetRevision})`,
          );
          deps.onStep?.({
            type: "pod-updated-in-place",
            pod: name,
            podUid: pod.metadata?.uid ?? "",
            revision: plan.targetRevision,
            images: decision.spec.containerImages,
          });
          return;
        }
        case "recreate": {
          if (input.recreate !== undefined) {
            if (await input.recreate(pod)) wrote = true;
            return;
          }
          if (pod.metadata?.labels?.[SPECIFIED_DELETE_LABEL] !== undefined) return;
          const written = await deps.client.patch(PodKind, name, pod.metadata?.namespace, "merge", {
            metadata: {
              resourceVersion: pod.metadata?.resourceVersion,
              labels: { [SPECIFIED_DELETE_LABEL]: "true" },
            },
          });
          deps.podVersions.expect(written);
          wrote = true;
          deps.recorder.event(
            owner,
            "Normal",
            "SuccessfulUpdatePodReCreate",
            `successfully update pod ${name} recreate`,
          );
          return;
        }
        case "lifecycle": {
          const r = await applyLifecycleTransition(
            deps.client,
            structuredClone(pod),
            decision.transition,
            now,
          );
          deps.podVersions.expect(r.pod);
          wrote = true;
          return;
        }
        case "wait":
          return;
        case "error":
          errors.push(decision.message);
          deps.recorder.event(owner, "Warning", "FailedUpdatePodInPlace", decision.message);
          return;
      }
    } catch (err) {
      // The pod changed under us (its update event brings us back): a retry, not a failure to report.
      if (isConflict(err)) {
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 1_000);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      if (decision.kind === "inPlace") {
        // OpenKruise's words (a resize the API server refuses, more than the node can allocate, lands here).
        const text = `failed to update pod ${name} in-place(revision ${plan.targetRevision}): ${message}`;
        deps.recorder.event(owner, "Warning", "FailedUpdatePodInPlace", text);
      } else {
        const reason = decision.kind === "recreate" ? "FailedUpdatePodReCreate" : "FailedUpdatePodInPlace";
        deps.recorder.event(owner, "Warning", reason, `failed to update pod ${name}: ${message}`);
      }
      errors.push(`pod ${name}: ${message}`);
    }
  });
  return { wrote, errors, requeueAfterMs };
}
