import { createHash } from "node:crypto";
import type { Affinity, Pod } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";

/**
 * Binds a pod to one node the way OpenKruise does by default (`--assign-bcj-pods-by-scheduler=true`): the required
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
 * The pod name for (job, node). OpenKruise uses generateName and in-memory expectations; a deterministic name
 * makes "one pod per node" hold even across a controller crash between a create and its watch event: the second
 * create gets AlreadyExists. The job UID is part of the hash so a re-created job of the same name never collides
 * with pods of its predecessor that are still being garbage-collected.
 */
export function podNameFor(jobName: string, jobUid: string, nodeName: string): string {
  const digest = createHash("sha256").update(`${jobUid}/${nodeName}`).digest("hex").slice(0, 10);
  return `${jobName}-${digest}`;
}
