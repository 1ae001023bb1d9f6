import type { CloneSet } from "@kruise/api";
import {
  LIFECYCLE_STATE_LABEL,
  LIFECYCLE_TIMESTAMP_ANNOTATION,
  LifecycleState,
  SPECIFIED_DELETE_LABEL,
} from "@kruise/api";
import { ConflictError, PodKind } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  applyLifecycleTransition,
  decidePodUpdate,
  isPodAtRevision,
  revisionLabels,
  rfc3339Seconds,
  templateFromRevision,
  updatePodInPlaceByPatch,
  type UpdatePlan,
} from "@kruise/workload";
import type { CloneSetDeps } from "./deps.ts";
import { cloneSetEventSource, CloneSetEvent, podUpdatedInPlaceId } from "./events.ts";
import { settleWithLimit } from "./concurrency.ts";
import { MAX_IN_FLIGHT } from "./limits.ts";
import type { CloneSetParams } from "./strategy.ts";

export interface UpdateOutcome {
  readonly wrote: boolean;
  /** Messages for the FailedUpdate condition. */
  readonly errors: string[];
  readonly requeueAfterMs: number | undefined;
}

/**
 * Moves the pods planUpdate chose to the target revision: in place when the policy and the template diff allow
 * it (readiness gate False first, then images and labels), otherwise by marking them specified-delete so the next
 * scale step replaces them. InPlaceOnly with a change that cannot be done in place is an error on the CloneSet.
 */
export async function executeUpdate(
  deps: CloneSetDeps,
  cs: CloneSet,
  params: CloneSetParams,
  history: readonly ControllerRevision[],
  plan: UpdatePlan,
): Promise<UpdateOutcome> {
  const target = history.find((r) => r.metadata?.name === plan.targetRevision);
  const toTemplate = templateFromRevision(target);
  const errors: string[] = [];
  let wrote = false;
  let requeueAfterMs: number | undefined;
  const now = deps.clock.now();
  const withLifecycle = params.lifecycle !== undefined;
  await settleWithLimit(plan.pods, MAX_IN_FLIGHT, async (pod) => {
    const name = pod.metadata?.name ?? "";
    const from = history.find((r) => isPodAtRevision(pod, r.metadata?.name ?? ""));
    const decision = decidePodUpdate({
      pod,
      policy: params.update.podUpdatePolicy ?? "ReCreate",
      fromTemplate: templateFromRevision(from),
      toTemplate,
      toRevision: plan.targetRevision,
      ...(params.update.inPlaceUpdateStrategy?.gracePeriodSeconds !== undefined
        ? { gracePeriodSeconds: params.update.inPlaceUpdateStrategy.gracePeriodSeconds }
        : {}),
      ...(params.lifecycle !== undefined ? { lifecycle: params.lifecycle } : {}),
    });
    try {
      switch (decision.kind) {
        case "inPlace": {
          // The Updating state is only written when hooks exist: without them nothing waits on it, and
          // skipping it keeps an in-place update at three writes (gate False, pod, gate True).
          const labels: Record<string, string> = {
            ...revisionLabels(plan.targetRevision, deps.gates.CloneSetShortHash),
          };
          const annotations: Record<string, string> = {};
          if (withLifecycle) {
            labels[LIFECYCLE_STATE_LABEL] = LifecycleState.Updating;
            annotations[LIFECYCLE_TIMESTAMP_ANNOTATION] = rfc3339Seconds(now);
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
            cs,
            "Normal",
            "SuccessfulUpdatePodInPlace",
            `successfully update pod ${name} in-place(revision ${plan.targetRevision})`,
          );
          deps.bus?.publish({
            ...cloneSetEventSource(cs),
            event: CloneSetEvent.PodUpdatedInPlace,
            id: podUpdatedInPlaceId(pod.metadata?.uid ?? "", plan.targetRevision),
            data: { pod: name, revision: plan.targetRevision, images: decision.spec.containerImages },
          });
          return;
        }
        case "recreate": {
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
            cs,
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
          deps.recorder.event(cs, "Warning", "FailedUpdatePodInPlace", decision.message);
          return;
      }
    } catch (err) {
      // The pod changed under us (its update event brings us back): a retry, not a failure to report.
      if (err instanceof ConflictError) {
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 1_000);
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const reason = decision.kind === "recreate" ? "FailedUpdatePodReCreate" : "FailedUpdatePodInPlace";
      deps.recorder.event(cs, "Warning", reason, `failed to update pod ${name}: ${message}`);
      errors.push(`pod ${name}: ${message}`);
    }
  });
  return { wrote, errors, requeueAfterMs };
}
