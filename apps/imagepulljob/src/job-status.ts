// Where an ImagePullJob stands on each target node, read from NodeImages, and the status that follows. Only tag
// status at the job's own tag version counts, so an earlier pull of the same tag is never counted for this job.
import type { ImagePullJob, ImagePullJobStatus, ImageTagSpec, NodeImage } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import type { ImageNameTag } from "./image-name.ts";

export type NodePhase = "unsynced" | "active" | "succeeded" | "failed";

/** The job's tag in this NodeImage, if the job is one of its owners. */
export function ownTag(
  nodeImage: ReadOnly<NodeImage> | undefined,
  image: ImageNameTag,
  jobUid: string,
): ReadOnly<ImageTagSpec> | undefined {
  const tag = nodeImage?.spec?.images?.[image.name]?.tags?.find((t) => t.tag === image.tag);
  return tag?.ownerReferences?.some((o) => o.uid === jobUid) === true ? tag : undefined;
}

export function nodePhase(
  nodeImage: ReadOnly<NodeImage> | undefined,
  image: ImageNameTag,
  jobUid: string,
): { phase: NodePhase; message?: string } {
  const tag = ownTag(nodeImage, image, jobUid);
  if (tag === undefined) return { phase: "unsynced" };
  const status = nodeImage?.status?.imageStatuses?.[image.name]?.tags?.find(
    (t) => t.tag === image.tag && (t.version ?? 0) === (tag.version ?? 0),
  );
  if (status?.phase === "Succeeded") return { phase: "succeeded" };
  if (status?.phase === "Failed")
    return { phase: "failed", ...(status.message ? { message: status.message } : {}) };
  return { phase: "active" };
}

export interface JobProgress {
  desired: number;
  active: number;
  succeeded: number;
  failedNodes: string[];
  /** A failure message of one failed node, for status.message. */
  failureMessage: string | undefined;
}

export function jobProgress(
  phases: ReadonlyMap<string, { phase: NodePhase; message?: string }>,
): JobProgress {
  const progress: JobProgress = {
    desired: phases.size,
    active: 0,
    succeeded: 0,
    failedNodes: [],
    failureMessage: undefined,
  };
  for (const [node, { phase, message }] of phases) {
    if (phase === "active") progress.active++;
    else if (phase === "succeeded") progress.succeeded++;
    else if (phase === "failed") {
      progress.failedNodes.push(node);
      progress.failureMessage ??= message;
    }
  }
  progress.failedNodes.sort();
  return progress;
}

/**
 * The status for `progress` at `now`. Always completes when every target node finished, or when
 * activeDeadlineSeconds passed since startTime (then every unfinished node counts as failed). Never never completes.
 */
export function jobStatus(
  job: ReadOnly<ImagePullJob>,
  progress: JobProgress,
  now: number,
): ImagePullJobStatus {
  const startTime = job.status?.startTime ?? new Date(now).toISOString();
  const status: ImagePullJobStatus = {
    startTime,
    desired: progress.desired,
    active: progress.active,
    succeeded: progress.succeeded,
    failed: progress.failedNodes.length,
  };
  if (progress.failedNodes.length > 0) status.failedNodes = progress.failedNodes;
  const finished = progress.succeeded + progress.failedNodes.length;
  const percent = progress.desired === 0 ? 100 : Math.floor((finished * 100) / progress.desired);
  status.message = `job is running, progress ${percent}.0%`;
  if (job.spec.completionPolicy?.type === "Never") return status;
  const deadline = job.spec.completionPolicy?.activeDeadlineSeconds;
  if (
    deadline !== undefined &&
    Date.parse(startTime) + deadline * 1000 <= now &&
    finished < progress.desired
  ) {
    status.active = 0;
    status.failed = progress.desired - progress.succeeded;
    status.completionTime = new Date(now).toISOString();
    status.message = "job exceeds activeDeadlineSeconds";
    return status;
  }
  if (finished === progress.desired) {
    status.completionTime = new Date(now).toISOString();
    status.message =
      progress.failedNodes.length > 0 && progress.failureMessage !== undefined
        ? `job has completed; failed on ${progress.failedNodes.length} node(s): ${progress.failureMessage}`
        : "job has completed";
  }
  return status;
}
