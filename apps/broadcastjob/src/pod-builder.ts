import { createHash } from "node:crypto";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  BROADCASTJOB_CONTROLLER_UID_LABEL,
  BROADCASTJOB_NAME_LABEL,
  BroadcastJobKind,
  type BroadcastJob,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { bindToNode } from "@kruise/workload";

export interface PodBuildOptions {
  /** true (OpenKruise's default): bind through node affinity and let kube-scheduler place the pod; false: set spec.nodeName. */
  assignByScheduler: boolean;
}

/** The labels every pod of a job carries; also how OpenKruise users select a job's pods. */
export function jobPodLabels(job: ReadOnly<BroadcastJob>): Record<string, string> {
  return {
    [BROADCASTJOB_NAME_LABEL]: job.metadata?.name ?? "",
    [BROADCASTJOB_CONTROLLER_UID_LABEL]: job.metadata?.uid ?? "",
  };
}

/** The pod the job runs on nodeName: the template, the job's labels, a controller reference, and the node binding. */
export function buildJobPod(job: ReadOnly<BroadcastJob>, nodeName: string, options: PodBuildOptions): Pod {
  const template = structuredClone(job.spec?.template ?? {}) as NonNullable<BroadcastJob["spec"]>["template"];
  const spec = template.spec ?? { containers: [] };
  const name = job.metadata?.name ?? "";
  const uid = job.metadata?.uid ?? "";
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...template.metadata,
      name: podNameFor(name, uid, nodeName),
      namespace: job.metadata?.namespace ?? "",
      labels: { ...template.metadata?.labels, ...jobPodLabels(job) },
      ownerReferences: [
        {
          apiVersion: `${BroadcastJobKind.group}/${BroadcastJobKind.version}`,
          kind: BroadcastJobKind.kind,
          name,
          uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: options.assignByScheduler
      ? { ...spec, affinity: bindToNode(spec.affinity, nodeName) }
      : { ...spec, nodeName },
  };
  delete pod.metadata?.generateName;
  return pod;
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
