import type { Node } from "kubernetes-types/core/v1.js";

/**
 * What a workload controller that only ranks pods by topology keeps of each Node: its name, resourceVersion and
 * labels. Status (images, conditions, addresses) is most of a Node's JSON and changes every heartbeat period; it is
 * dropped before storing.
 *
 * Caveats: a controller that schedules (BroadcastJob, DaemonSet) reads taints, allocatable and conditions, and
 * needs the whole Node.
 */
export function nodeLabelsOnly(node: Node): Node {
  const meta = node.metadata ?? {};
  return {
    ...(node.apiVersion !== undefined ? { apiVersion: node.apiVersion } : {}),
    ...(node.kind !== undefined ? { kind: node.kind } : {}),
    metadata: {
      ...(meta.name !== undefined ? { name: meta.name } : {}),
      ...(meta.uid !== undefined ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion !== undefined ? { resourceVersion: meta.resourceVersion } : {}),
      ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
    },
  };
}

/** Node name → labels, for spreadConstraintsRanker. */
export function nodeLabelMap(nodes: readonly Node[]): Map<string, Readonly<Record<string, string>>> {
  const out = new Map<string, Readonly<Record<string, string>>>();
  for (const n of nodes) out.set(n.metadata?.name ?? "", n.metadata?.labels ?? {});
  return out;
}
