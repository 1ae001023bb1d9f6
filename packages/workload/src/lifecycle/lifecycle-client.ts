import { PodKind, type Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { lifecycleMergePatch, notReadyChangeFor } from "./lifecycle-patch.ts";
import { conditionsWithNotReadyEntry } from "./not-ready-keys.ts";
import { getLifecycleState } from "./state.ts";
import type { LifecycleTransition } from "./transitions.ts";

/**
 * Writes a lifecycle transition: first the KruisePodReady entry (when the hook asks for it), so the pod
 * leaves endpoints before anything else happens, then the state label. Returns the pod as last written,
 * and whether the state label changed.
 */
export async function applyLifecycleTransition(
  client: Client,
  pod: Pod,
  transition: LifecycleTransition,
  now: number,
): Promise<{ updated: boolean; pod: Pod }> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace;
  let current = pod;
  if (transition.markPodNotReady) {
    const change = notReadyChangeFor(transition.to);
    const conditions =
      change === undefined ? undefined : conditionsWithNotReadyEntry(current, change.entry, change.add, now);
    if (conditions !== undefined) {
      current = await client.patchStatus(PodKind, name, namespace, "merge", {
        metadata: { resourceVersion: current.metadata?.resourceVersion },
        status: { conditions },
      });
    }
  }
  if (getLifecycleState(current) === transition.to) return { updated: false, pod: current };
  const written = await client.patch(
    PodKind,
    name,
    namespace,
    "merge",
    lifecycleMergePatch(current, transition, now),
  );
  return { updated: true, pod: written };
}
