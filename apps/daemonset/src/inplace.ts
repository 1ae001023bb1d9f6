import { IN_PLACE_UPDATE_READY } from "@kruise/api";
import { isConflict, isNotFound, PodKind } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { patchPodChanges, planInPlaceRefresh } from "@kruise/workload";
import type { PodWriteContext } from "./pod-writes.ts";

/**
 * OpenKruise's refreshUpdateStates for DaemonSet pods: end a grace period, start the next container batch, and
 * set InPlaceUpdateReady=True once an in-place update completed (or on a new pod with the gate). Returns whether
 * anything was written: the rollout then waits for the cache to show it.
 */
export async function refreshInPlaceStates(w: PodWriteContext, pods: readonly Pod[]): Promise<boolean> {
  let wrote = false;
  const results = await Promise.allSettled(
    pods.map(async (pod) => {
      if (pod.metadata?.deletionTimestamp) return;
      const plan = planInPlaceRefresh(pod, w.now);
      const name = pod.metadata?.name ?? "";
      if (plan.action === "wait") {
        w.requeue.after(plan.requeueAfterMs);
      } else if (plan.action === "writeConditions") {
        // Only our condition, merged by type: the kubelet's concurrent status writes cannot conflict with it.
        const ours = plan.conditions.filter((c) => c.type === IN_PLACE_UPDATE_READY);
        w.deps.podVersions.expect(
          await w.ctx.client.patchStatus(PodKind, name, pod.metadata?.namespace, "strategic", {
            status: { conditions: ours },
          }),
        );
        wrote = true;
      } else if (plan.action === "writePod") {
        w.deps.podVersions.expect(await patchPodChanges(w.ctx.client, pod, plan.pod));
        wrote = true;
      }
    }),
  );
  for (const r of results) {
    if (r.status === "rejected" && !isNotFound(r.reason) && !isConflict(r.reason)) throw r.reason;
  }
  return wrote;
}
