import type { Pod } from "kubernetes-types/core/v1.js";
import {
  applyInPlaceRefresh,
  applyLifecycleTransition,
  checkInPlaceUpdateCompleted,
  isPodAtRevision,
  planInPlaceRefresh,
  refreshLifecycleState,
  type Lifecycle,
} from "@kruise/workload";
import type { CloneSetDeps } from "./deps.ts";

export interface RefreshResult {
  /** Pods written now; their cached copies are stale until the informer catches up. */
  readonly written: Set<string>;
  /** When time alone will move an in-place update on (grace period). */
  readonly requeueAfterMs: number | undefined;
}

/**
 * Moves every pod's in-flight work one step before any scale or update decision (OpenKruise's refresh): end a
 * grace period, start the next container batch, set InPlaceUpdateReady=True once an update completed (or on a
 * new pod), and advance the lifecycle state. At most one write per pod per reconcile: the second would carry a
 * stale resourceVersion.
 */
export async function refreshPods(deps: CloneSetDeps, pods: readonly Pod[], lifecycle: Lifecycle | undefined, updateRevision: string): Promise<RefreshResult> {
  const written = new Set<string>();
  let requeueAfterMs: number | undefined;
  const now = deps.clock.now();
  const work = pods.map(async (pod) => {
    const name = pod.metadata?.name ?? "";
    const plan = planInPlaceRefresh(pod, now);
    if (plan.action === "wait") {
      if (plan.requeueAfterMs !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, plan.requeueAfterMs);
    } else if (plan.action !== "none") {
      const result = await applyInPlaceRefresh(deps.client, pod, plan);
      if (result !== undefined) {
        deps.podVersions.expect(result);
        written.add(name);
        return;
      }
    }
    const transition = refreshLifecycleState(pod, {
      lifecycle,
      atUpdateRevision: isPodAtRevision(pod, updateRevision),
      inPlaceUpdateCompleted: checkInPlaceUpdateCompleted(pod).completed,
    });
    if (transition === undefined) return;
    const result = await applyLifecycleTransition(deps.client, structuredClone(pod), transition, now);
    deps.podVersions.expect(result.pod);
    written.add(name);
  });
  const settled = await Promise.allSettled(work);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return { written, requeueAfterMs };
}
