// The ImagePullJob controller's reconcile: finalizer, targets, up to `parallelism` nodes asked at a time, status
// from the NodeImages, completion, TTL.
import {
  DELETION_PROTECTION_FINALIZER,
  ImagePullJobKind,
  NodeImageKind,
  type ImagePullJob,
} from "@kruise/api";
import {
  isNotFound,
  patchStatusIfChanged,
  PodKind,
  type ReadOnly,
  type Reconciler,
  Requeue,
  TerminalError,
} from "@kruise/sdk";
import { imageNameTag } from "./image-name.ts";
import { jobProgress, jobStatus, nodePhase, type NodePhase } from "./job-status.ts";
import { jobTargets } from "./job-targets.ts";
import { withJobTag } from "./node-image-tag.ts";
import { releasePullSecrets, syncPullSecrets } from "./pull-secrets.ts";

export function isJobFinished(job: ReadOnly<ImagePullJob>): boolean {
  return job.status?.completionTime !== undefined;
}

function parallelismOf(job: ReadOnly<ImagePullJob>): number {
  const p = job.spec.parallelism;
  return typeof p === "number" ? p : Number.parseInt(String(p ?? "1"), 10) || 1;
}

export const reconcileImagePullJob: Reconciler = async (
  { namespace, name },
  { cache, client, clock, log, recorder },
) => {
  const job = cache.get(ImagePullJobKind, namespace, name);
  if (job === undefined) return;
  const finalizers = job.metadata?.finalizers ?? [];
  const hasFinalizer = finalizers.includes(DELETION_PROTECTION_FINALIZER);
  const removeFinalizer = async (): Promise<void> => {
    await client
      .patch(ImagePullJobKind, name, namespace, "json", [
        { op: "test", path: "/metadata/finalizers", value: finalizers },
        {
          op: "replace",
          path: "/metadata/finalizers",
          value: finalizers.filter((f) => f !== DELETION_PROTECTION_FINALIZER),
        },
      ])
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  };
  const hasSecrets = (job.spec.pullSecrets ?? []).length > 0;
  if (job.metadata?.deletionTimestamp !== undefined) {
    // Its tags are left to the NodeImage controller, which drops owners that no longer exist.
    if (hasFinalizer) {
      if (hasSecrets) await releasePullSecrets(client, job);
      await removeFinalizer();
    }
    return;
  }
  const now = clock.now();
  if (isJobFinished(job)) {
    if (hasFinalizer) {
      if (hasSecrets) await releasePullSecrets(client, job);
      await removeFinalizer();
    }
    const ttl = job.spec.completionPolicy?.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    const deleteAt = Date.parse(job.status?.completionTime ?? "") + ttl * 1000;
    if (deleteAt > now) return new Requeue().at(deleteAt, now).result();
    await client
      .delete(ImagePullJobKind, name, namespace, { preconditions: { uid: job.metadata?.uid ?? "" } })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    log.info({ ttl }, "deleted the finished job after ttlSecondsAfterFinished");
    return;
  }
  if (!hasFinalizer) {
    await client.patch(ImagePullJobKind, name, namespace, "merge", {
      metadata: { finalizers: [...finalizers, DELETION_PROTECTION_FINALIZER] },
    });
    return; // the update wakes us
  }

  let image;
  try {
    image = imageNameTag(job.spec.image);
  } catch (err) {
    throw new TerminalError((err as Error).message);
  }
  const uid = job.metadata?.uid ?? "";
  const nodeImages = cache.list(NodeImageKind);
  const targets = jobTargets(job, nodeImages, () => cache.list(PodKind, { namespace }));
  const phases = new Map<string, { phase: NodePhase; message?: string }>();
  for (const target of targets)
    phases.set(target, nodePhase(cache.get(NodeImageKind, "", target), image, uid));

  const before = jobProgress(phases);
  let room = parallelismOf(job) - before.active;
  const secrets =
    hasSecrets && room > 0 && [...phases.values()].some((p) => p.phase === "unsynced")
      ? await syncPullSecrets(client, job)
      : [];
  for (const target of targets) {
    if (room <= 0) break;
    if (phases.get(target)?.phase !== "unsynced") continue;
    const nodeImage = cache.get(NodeImageKind, "", target);
    if (nodeImage === undefined) continue;
    await client.update(NodeImageKind, withJobTag(nodeImage, job, image, now, secrets));
    phases.set(target, { phase: "active" });
    room--;
  }

  const progress = jobProgress(phases);
  const status = jobStatus(job, progress, now);
  const changed = await patchStatusIfChanged(client, ImagePullJobKind, job, status);
  if (changed && status.completionTime !== undefined)
    recorder.event(
      job as never,
      progress.failedNodes.length > 0 || status.message === "job exceeds activeDeadlineSeconds"
        ? "Warning"
        : "Normal",
      status.message === "job exceeds activeDeadlineSeconds" ? "DeadlineExceeded" : "Completed",
      `${status.message ?? ""} (succeeded ${status.succeeded ?? 0}, failed ${status.failed ?? 0} of ${status.desired ?? 0})`,
    );
  const requeue = new Requeue();
  const deadline = job.spec.completionPolicy?.activeDeadlineSeconds;
  if (deadline !== undefined && status.completionTime === undefined)
    requeue.at(Date.parse(status.startTime ?? "") + deadline * 1000, now);
  return requeue.result();
};
