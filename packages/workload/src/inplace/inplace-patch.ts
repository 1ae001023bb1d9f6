import { PodKind, type Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { startInPlaceUpdate, type StartInPlaceUpdateOptions } from "./apply-update.ts";
import { conditionsWithInPlaceReady, hasInPlaceReadinessGate } from "./readiness-gate.ts";
import type { InPlaceUpdateSpec } from "./update-spec.ts";

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
  written = await patchPodChanges(client, pod, startInPlaceUpdate(pod, spec, options));
  const grace = spec.graceSeconds ?? 0;
  return grace > 0 ? { pod: written, requeueAfterMs: grace * 1000 } : { pod: written };
}

/**
 * Writes what differs between a pod and its intended next state, as one strategic-merge patch: labels,
 * annotations (null removes) and container images (merged by name). A controller's cached pod may be trimmed
 * (controllers drop fields they never read), so a whole-object update from it would be wrong; a patch names only what
 * changes.
 */
export async function patchPodChanges(client: Client, before: Pod, after: Pod): Promise<Pod> {
  const patch = {
    metadata: {
      labels: changedEntries(before.metadata?.labels, after.metadata?.labels),
      annotations: changedEntries(before.metadata?.annotations, after.metadata?.annotations),
    },
    spec: {
      containers: (after.spec?.containers ?? [])
        .filter((c, i) => c.image !== before.spec?.containers[i]?.image)
        .map((c) => ({ name: c.name, image: c.image })),
    },
  };
  return client.patch(PodKind, before.metadata?.name ?? "", before.metadata?.namespace, "strategic", patch);
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
