import type { Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  conditionsWithInPlaceReady,
  hasInPlaceReadinessGate,
  startInPlaceUpdate,
  type InPlaceUpdateSpec,
  type StartInPlaceUpdateOptions,
} from "@kruise/workload";
import { PodKind } from "./kinds.ts";

/**
 * Starts an in-place update with two strategic-merge patches that name only what changes: the InPlaceUpdateReady
 * (and Ready) conditions, merged by type, then labels, annotations and container images, merged by container name.
 * Unlike a full update with a resourceVersion, these never conflict with the kubelet's status writes, which land
 * on every pod several times during an update; that keeps an in-place update at three writes instead of retrying.
 * Staleness is guarded by the caller's resourceVersion expectations: we only act on a pod whose cached copy already
 * shows our previous writes.
 */
export async function updatePodInPlaceByPatch(
  client: Client,
  pod: Pod,
  spec: InPlaceUpdateSpec,
  options: StartInPlaceUpdateOptions,
): Promise<{ pod: Pod; requeueAfterMs?: number }> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace;
  let written: Pod | undefined;
  if (hasInPlaceReadinessGate(pod)) {
    const conditions = conditionsWithInPlaceReady(pod, "False", options.now);
    if (conditions !== undefined) {
      const changed = conditions.filter((c) => c.type === "InPlaceUpdateReady" || c.type === "Ready");
      written = await client.patchStatus(PodKind, name, namespace, "strategic", {
        status: { conditions: changed },
      });
    }
  }
  const next = startInPlaceUpdate(pod, spec, options);
  const patch = {
    metadata: {
      labels: changedEntries(pod.metadata?.labels, next.metadata?.labels),
      annotations: changedEntries(pod.metadata?.annotations, next.metadata?.annotations),
    },
    spec: {
      containers: (next.spec?.containers ?? [])
        .filter((c, i) => c.image !== pod.spec?.containers[i]?.image)
        .map((c) => ({ name: c.name, image: c.image })),
    },
  };
  written = await client.patch(PodKind, name, namespace, "strategic", patch);
  const grace = spec.graceSeconds ?? 0;
  return grace > 0 ? { pod: written, requeueAfterMs: grace * 1000 } : { pod: written };
}

/** Keys whose value is new or different, and removed keys as null (merge-patch deletion). */
function changedEntries(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const a = before ?? {};
  const b = after ?? {};
  for (const [k, v] of Object.entries(b)) if (a[k] !== v) out[k] = v;
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) out[k] = null;
  return out;
}
