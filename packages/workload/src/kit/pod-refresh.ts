import { IN_PLACE_UPDATE_READY } from "@kruise/api";
import { isConflict, PodKind } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { MAX_IN_FLIGHT, settleWithLimit } from "../concurrency/bounded.ts";
import { checkInPlaceUpdateCompleted } from "../inplace/completion.ts";
import { patchPodChanges } from "../inplace/inplace-patch.ts";
import { planInPlaceRefresh } from "../inplace/refresh.ts";
import type { Lifecycle } from "../lifecycle/hooks.ts";
import { applyLifecycleTransition } from "../lifecycle/lifecycle-client.ts";
import { refreshLifecycleState } from "../lifecycle/transitions.ts";
import type { RevisionAdapter } from "../revision/revision-adapter.ts";
import type { WorkloadDeps } from "./deps.ts";

export interface RefreshResult {
  /** Pods written now; their cached copies are stale until the informer catches up. */
  readonly written: Set<string>;
  /** When time alone will move an in-place update on (grace period), or a conflict wants a quick retry. */
  readonly requeueAfterMs: number | undefined;
}

/**
 * Moves every pod's in-flight work one step before any scale or update decision (OpenKruise's inplaceupdate
 * Refresh): end a grace period, start the next container batch, set InPlaceUpdateReady=True once an update
 * completed (or on a new pod), and advance the lifecycle state.
 *
 * Guarantees: at most one write per pod per reconcile (the second would carry a stale resourceVersion); every write
 * is expected in `deps.podVersions`. A conflict (the kubelet changed the pod) is not an error: it asks for a
 * requeue in 1 s; any other error is thrown after every pod was tried.
 */
export async function refreshPods(
  deps: WorkloadDeps,
  pods: readonly Pod[],
  options: {
    lifecycle: Lifecycle | undefined;
    updateRevision: string;
    adapter: RevisionAdapter;
    /**
     * Without a preNormal hook, leave PreparingNormal only once the pod is scheduled (CloneSet at OpenKruise
     * HEAD). Advanced StatefulSet moves on at once (false). Default true.
     */
    waitForScheduled?: boolean;
  },
): Promise<RefreshResult> {
  const written = new Set<string>();
  let requeueAfterMs: number | undefined;
  const now = deps.clock.now();
  const settled = await settleWithLimit(pods, MAX_IN_FLIGHT, async (pod) => {
    const name = pod.metadata?.name ?? "";
    const plan = planInPlaceRefresh(pod, now);
    if (plan.action === "wait") {
      if (plan.requeueAfterMs !== undefined)
        requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, plan.requeueAfterMs);
    } else if (plan.action === "writeConditions") {
      // Only our condition, merged by type (strategic merge): no resourceVersion needed, so the kubelet's
      // concurrent status writes cannot make this conflict, and its conditions are never overwritten.
      const ours = plan.conditions.filter((c) => c.type === IN_PLACE_UPDATE_READY);
      const result = await deps.client.patchStatus(PodKind, name, pod.metadata?.namespace, "strategic", {
        status: { conditions: ours },
      });
      deps.podVersions.expect(result);
      written.add(name);
      return;
    } else if (plan.action !== "none") {
      // writePod: the grace period ended, the next container batch starts, or a stale grace is dropped.
      const result =
        plan.action === "writePod" ? await patchPodChanges(deps.client, pod, plan.pod) : undefined;
      if (result !== undefined) {
        deps.podVersions.expect(result);
        written.add(name);
        return;
      }
    }
    const transition = refreshLifecycleState(pod, {
      lifecycle: options.lifecycle,
      atUpdateRevision: options.adapter.isPodAt(pod, options.updateRevision),
      inPlaceUpdateCompleted: checkInPlaceUpdateCompleted(pod).completed,
      ...(options.waitForScheduled !== undefined ? { waitForScheduled: options.waitForScheduled } : {}),
    });
    if (transition === undefined) return;
    const result = await applyLifecycleTransition(deps.client, structuredClone(pod), transition, now);
    deps.podVersions.expect(result.pod);
    written.add(name);
  });
  // A conflict means the pod changed under us (usually the kubelet); its update event brings us back.
  const failed = settled.find(
    (r): r is PromiseRejectedResult => r.status === "rejected" && !isConflict(r.reason),
  );
  if (failed !== undefined) throw failed.reason;
  if (settled.some((r) => r.status === "rejected"))
    requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, 1_000);
  return { written, requeueAfterMs };
}
