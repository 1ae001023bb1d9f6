import { PodKind, type Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { startInPlaceUpdate, type StartInPlaceUpdateOptions } from "./apply-update.ts";
import { conditionsWithInPlaceReady, hasInPlaceReadinessGate } from "./readiness-gate.ts";
import type { InPlaceRefreshPlan } from "./refresh.ts";
import type { InPlaceUpdateSpec } from "./update-spec.ts";

/**
 * Starts an in-place update: InPlaceUpdateReady=False first (so the pod leaves endpoints before kubelet
 * restarts anything), then the pod itself. Both writes carry the resourceVersion they were computed from,
 * so a conflict surfaces as an error and the next reconcile recomputes. Returns the written pod and, with
 * a grace period, when to come back. For a pod read from a (trimmed) cache use updatePodInPlaceByPatch.
 */
export async function updatePodInPlace(
  client: Client,
  pod: Pod,
  spec: InPlaceUpdateSpec,
  options: StartInPlaceUpdateOptions,
): Promise<{ pod: Pod; requeueAfterMs?: number }> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace;
  let current = pod;
  if (hasInPlaceReadinessGate(current)) {
    const conditions = conditionsWithInPlaceReady(current, "False", options.now);
    if (conditions !== undefined) {
      current = await client.patchStatus(PodKind, name, namespace, "merge", {
        metadata: { resourceVersion: current.metadata?.resourceVersion },
        status: { conditions },
      });
    }
  }
  const written = await client.update(PodKind, startInPlaceUpdate(current, spec, options));
  const grace = spec.graceSeconds ?? 0;
  return grace > 0 ? { pod: written, requeueAfterMs: grace * 1000 } : { pod: written };
}

/** Carries out a refresh plan; returns the written pod, or undefined when nothing was written. */
export async function applyInPlaceRefresh(
  client: Client,
  pod: Pod,
  plan: InPlaceRefreshPlan,
): Promise<Pod | undefined> {
  switch (plan.action) {
    case "writePod":
      return client.update(PodKind, plan.pod);
    case "writeConditions":
      return client.patchStatus(PodKind, pod.metadata?.name ?? "", pod.metadata?.namespace, "merge", {
        metadata: { resourceVersion: pod.metadata?.resourceVersion },
        status: { conditions: plan.conditions },
      });
    default:
      return undefined;
  }
}
