// The NodeImage controller: one NodeImage per Node that has been Ready for 30 s, carrying the node's labels,
// deleted with the node; tags whose ImagePullJobs are gone, or whose TTL after finishing passed, are removed.
import type { Node } from "kubernetes-types/core/v1.js";
import {
  ImagePullJobKind,
  NodeImageKind,
  type ImageSpec,
  type ImageTagSpec,
  type NodeImage,
  type NodeImageSpec,
} from "@kruise/api";
import { isNotFound, jsonEqual, NodeKind, type ReadOnly, type Reconciler, Requeue, thaw } from "@kruise/sdk";
import { markUnresponsive } from "./unresponsive-tags.ts";

/** A Node must have been Ready this long before it gets a NodeImage (OpenKruise's delay). */
export const NODE_READY_DELAY_MS = 30_000;
/** NodeImages with this label are not deleted with (or without) their node: OpenKruise's test hook. */
export const FAKE_NODEIMAGE_LABEL = "apps.kruise.io/fake-nodeimage";

/** When the node last became Ready, or undefined when it is not Ready. */
export function readySince(node: ReadOnly<Node>): number | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return undefined;
  return ready.lastTransitionTime === undefined ? 0 : Date.parse(ready.lastTransitionTime);
}

/**
 * The spec with gone owners and expired tags removed, and when the next tag expires. `jobExists(namespace, name,
 * uid)` says whether an owning job still exists.
 */
export function cleanedSpec(
  nodeImage: ReadOnly<NodeImage>,
  jobExists: (namespace: string, name: string, uid: string) => boolean,
  now: number,
): { spec: NodeImageSpec; nextExpiry: number | undefined } {
  const images: NonNullable<NodeImageSpec["images"]> = {};
  let nextExpiry: number | undefined;
  for (const [name, image] of Object.entries(nodeImage.spec?.images ?? {})) {
    const statuses = nodeImage.status?.imageStatuses?.[name]?.tags ?? [];
    const tags: ImageTagSpec[] = [];
    for (const tag of image.tags ?? []) {
      const owners = (tag.ownerReferences ?? []).filter((o) =>
        jobExists(o.namespace ?? "", o.name ?? "", o.uid ?? ""),
      );
      if (owners.length === 0) continue;
      const done = statuses.find(
        (s) => s.tag === tag.tag && (s.version ?? 0) === (tag.version ?? 0) && s.completionTime !== undefined,
      );
      const ttl = tag.pullPolicy?.ttlSecondsAfterFinished;
      if (done?.completionTime !== undefined && ttl !== undefined) {
        const expiry = Date.parse(done.completionTime) + ttl * 1000;
        if (expiry <= now) continue;
        nextExpiry = Math.min(nextExpiry ?? expiry, expiry);
      }
      tags.push({ ...thaw<ImageTagSpec>(tag), ownerReferences: owners.map((o) => ({ ...o })) });
    }
    if (tags.length > 0) images[name] = { ...thaw<ImageSpec>(image), tags };
  }
  return { spec: Object.keys(images).length > 0 ? { images } : {}, nextExpiry };
}

export const reconcileNodeImage: Reconciler = async ({ name }, { cache, client, clock, log }) => {
  const node = cache.get(NodeKind, "", name);
  const nodeImage = cache.get(NodeImageKind, "", name);
  if (node === undefined || node.metadata?.deletionTimestamp !== undefined) {
    if (nodeImage === undefined || nodeImage.metadata?.labels?.[FAKE_NODEIMAGE_LABEL] === "true") return;
    await client
      .delete(NodeImageKind, name, undefined, { preconditions: { uid: nodeImage.metadata?.uid ?? "" } })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    log.info("deleted the NodeImage of a node that is gone");
    return;
  }
  const now = clock.now();
  const requeue = new Requeue();
  if (nodeImage === undefined) {
    const since = readySince(node);
    if (since === undefined) return; // a Ready change wakes us
    if (since + NODE_READY_DELAY_MS > now) return requeue.at(since + NODE_READY_DELAY_MS, now).result();
    await client.create(NodeImageKind, {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "NodeImage",
      metadata: { name, labels: { ...(node.metadata?.labels ?? {}) } },
      spec: {},
    });
    log.info("created the NodeImage of a Ready node");
    return;
  }
  const labels = { ...(node.metadata?.labels ?? {}) };
  const jobExists = (namespace: string, jobName: string, uid: string): boolean =>
    cache.get(ImagePullJobKind, namespace, jobName)?.metadata?.uid === uid;
  const { spec, nextExpiry } = cleanedSpec(nodeImage, jobExists, now);
  const labelsChanged = !jsonEqual(nodeImage.metadata?.labels ?? {}, labels);
  const specChanged = !jsonEqual(nodeImage.spec ?? {}, spec);
  if (labelsChanged || specChanged) {
    const next = thaw<NodeImage>(nodeImage);
    await client.update(NodeImageKind, {
      ...next,
      metadata: { ...next.metadata, labels },
      spec,
    });
    log.info({ labelsChanged, specChanged }, "updated the NodeImage");
  }
  if (nextExpiry !== undefined) requeue.at(nextExpiry, now);
  if (!labelsChanged && !specChanged) {
    // Written only when the agent has been silent past the grace: a live agent writes status long before.
    const { status, changed, nextDue } = markUnresponsive(nodeImage, now);
    if (changed) {
      await client.updateStatus(NodeImageKind, { ...thaw<NodeImage>(nodeImage), status });
      log.info("marked tags the node agent never answered as Failed");
    }
    if (nextDue !== undefined) requeue.at(nextDue, now);
  }
  return requeue.result();
};
