import { PodKind, type Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { startInPlaceUpdate, type StartInPlaceUpdateOptions } from "./apply-update.ts";
import { conditionsWithInPlaceReady } from "./readiness-gate.ts";
import type { InPlaceUpdateSpec } from "./update-spec.ts";
import { inPlaceUpdateNeedsUnready, resizePatch } from "./vertical.ts";

/**
 * Starts an in-place update with strategic-merge patches that name only what changes: the InPlaceUpdateReady
 * (and Ready) conditions, merged by type, then labels, annotations and container images, merged by container name.
 * Unlike a full update with a resourceVersion, these never conflict with the kubelet's status writes, which land
 * on every pod several times during an update; that keeps an in-place update at three writes instead of retrying.
 * Staleness is guarded by the caller's resourceVersion expectations: we only act on a pod whose cached copy already
 * shows our previous writes.
 *
 * # Guarantees
 * - A resize (spec.containerResources) goes through the pods/resize subresource before the labels and annotations,
 *   as OpenKruise does on Kubernetes ≥ 1.32: when the API server refuses it (more than the node can allocate), the
 *   error is thrown and nothing else was written, so the pod stays at its revision.
 * - A resources-only update that restarts no container (resizePolicy) leaves InPlaceUpdateReady alone: the pod keeps
 *   serving. When the condition does go False first, the resize is tried as a dry run before it, so that a refused
 *   resize never leaves the pod NotReady (the refresh would raise it again, and the next update lower it: a loop).
 */
export async function updatePodInPlaceByPatch(
  client: Client,
  pod: Pod,
  spec: InPlaceUpdateSpec,
  options: StartInPlaceUpdateOptions,
): Promise<{ pod: Pod; requeueAfterMs?: number }> {
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace;
  const next = startInPlaceUpdate(pod, spec, options);
  let written: Pod | undefined;
  if (inPlaceUpdateNeedsUnready(pod, spec)) {
    const resize = resizePatch(pod, next);
    if (resize !== undefined)
      await client.patchSubresource("resize", PodKind, name, namespace, "strategic", resize, {
        dryRun: true,
      });
    const conditions = conditionsWithInPlaceReady(pod, "False", options.now);
    if (conditions !== undefined) {
      const changed = conditions.filter((c) => c.type === "InPlaceUpdateReady" || c.type === "Ready");
      written = await client.patchStatus(PodKind, name, namespace, "strategic", {
        status: { conditions: changed },
      });
    }
  }
  written = await patchPodChanges(client, pod, next);
  const grace = spec.graceSeconds ?? 0;
  return grace > 0 ? { pod: written, requeueAfterMs: grace * 1000 } : { pod: written };
}

/**
 * Writes what differs between a pod and its intended next state, as one strategic-merge patch: labels,
 * annotations (null removes) and container images (merged by name). A controller's cached pod may be trimmed
 * (controllers drop fields they never read), so a whole-object update from it would be wrong; a patch names only what
 * changes. Changed container resources go first, through the pods/resize subresource (the only way to change them
 * on a running pod); if it is refused, nothing else is written.
 */
export async function patchPodChanges(client: Client, before: Pod, after: Pod): Promise<Pod> {
  const name = before.metadata?.name ?? "";
  const resize = resizePatch(before, after);
  if (resize !== undefined)
    await client.patchSubresource("resize", PodKind, name, before.metadata?.namespace, "strategic", resize);
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
  return client.patch(PodKind, name, before.metadata?.namespace, "strategic", patch);
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
