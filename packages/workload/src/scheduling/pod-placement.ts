import type { Affinity, Pod } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";

/**
 * Binds a pod to one node the way OpenKruise's DaemonSet and BroadcastJob (`--assign-bcj-pods-by-scheduler=true`)
 * do: the required
 * node affinity becomes the single term `matchFields metadata.name In [node]`, and kube-scheduler places the pod.
 * The node already satisfied the template's own required terms (the controller checked), so replacing them loses
 * nothing; preferred terms and pod (anti-)affinity are kept.
 */
export function bindToNode(affinity: ReadOnly<Affinity> | undefined, nodeName: string): Affinity {
  const copy = structuredClone((affinity ?? {}) as Affinity);
  copy.nodeAffinity = {
    ...copy.nodeAffinity,
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
    },
  };
  return copy;
}

/**
 * The node a job pod is meant for: spec.nodeName once scheduled, else the node named by its metadata.name
 * matchFields affinity. Empty when neither is set (a pod someone else created).
 */
export function assignedNode(pod: ReadOnly<Pod>): string {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In" && field.values?.length === 1)
        return field.values[0] ?? "";
    }
  }
  return "";
}

/**
 * Pods by the node they are meant for (assignedNode), and the extra pods found for a node that already had one
 * (the later ones in `pods` order), which a per-node workload reports and may delete.
 */
export function podsByNode<P extends ReadOnly<Pod>>(
  pods: readonly P[],
): { nodeToPod: Map<string, P>; duplicates: Array<{ node: string; pod: string }> } {
  const nodeToPod = new Map<string, P>();
  const duplicates: Array<{ node: string; pod: string }> = [];
  for (const pod of pods) {
    const node = assignedNode(pod);
    if (nodeToPod.has(node)) duplicates.push({ node, pod: pod.metadata?.name ?? "" });
    nodeToPod.set(node, pod);
  }
  return { nodeToPod, duplicates };
}
