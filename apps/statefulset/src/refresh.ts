import { IN_PLACE_UPDATE_READY } from "@kruise/api";
import { ConflictError, PodKind } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  applyLifecycleTransition,
  checkInPlaceUpdateCompleted,
  isPodAtRevision,
  patchPodChanges,
  planInPlaceRefresh,
  refreshLifecycleState,
  type Lifecycle,
} from "@kruise/workload";
import type { StatefulSetDeps } from "./deps.ts";

export interface RefreshResult {
  /** Pods written now: their cached copies are stale until the informer catches up. */
  readonly written: ReadonlySet<string>;
  readonly requeueAfterMs: number | undefined;
}

/**
 * In-flight work first (OpenKruise's refresh, one write per pod at most): end a grace period, start the next
 * container batch, set InPlaceUpdateReady=True when an in-place update finished or on a new pod with the gate,
 * and move the lifecycle state on.
 */
export async function refreshPods(
  deps: StatefulSetDeps,
  pods: readonly Pod[],
  lifecycle: Lifecycle | undefined,
  updateRevision: string,
): Promise<RefreshResult> {
  const written = new Set<string>();
  let requeueAfterMs: number | undefined;
  const now = deps.clock.now();
  const results = await Promise.allSettled(
    pods.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      const plan = planInPlaceRefresh(pod, now);
      let result: Pod | undefined;
      if (plan.action === "wait" && plan.requeueAfterMs !== undefined) {
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, plan.requeueAfterMs);
      } else if (plan.action === "writeConditions") {
        // Only our condition, merged by type: the kubelet's concurrent status writes cannot conflict with it.
        result = await deps.client.patchStatus(PodKind, name, pod.metadata?.namespace, "strategic", {
          status: { conditions: plan.conditions.filter((c) => c.type === IN_PLACE_UPDATE_READY) },
        });
      } else if (plan.action === "writePod") {
        result = await patchPodChanges(deps.client, pod, plan.pod);
      } else {
        const transition = refreshLifecycleState(pod, {
          lifecycle,
          atUpdateRevision: isPodAtRevision(pod, updateRevision),
          inPlaceUpdateCompleted: checkInPlaceUpdateCompleted(pod).completed,
          waitForScheduled: false,
        });
        if (transition !== undefined)
          result = (await applyLifecycleTransition(deps.client, structuredClone(pod), transition, now)).pod;
      }
      if (result !== undefined) {
        deps.podVersions.expect(result);
        written.add(name);
      }
    }),
  );
  for (const r of results) {
    if (r.status === "fulfilled") continue;
    // The pod changed under us (usually the kubelet): its update event brings us back.
    if (r.reason instanceof ConflictError) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 1_000);
    else throw r.reason;
  }
  return { written, requeueAfterMs };
}
