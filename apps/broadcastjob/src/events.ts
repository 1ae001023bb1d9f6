import { JOB_FINISHED_EVENT, jobFinishedId, type BroadcastJob, type JobFinished } from "@kruise/api";
import type { BusEvent, ReadOnly } from "@kruise/sdk";

/** The kind of this controller's events; the SDK makes the subject kruise.broadcastjob.<namespace>.<name>.<event>. */
export const BUS_KIND = "BroadcastJob";

/** Lifecycle events BroadcastJob publishes on NATS. */
export const BroadcastJobBusEvent = {
  /** The controller started the job (status.startTime set). */
  Started: "job-started",
  /** The job finished (a contract with its owners, see @kruise/api): data is a JobFinished. */
  Finished: JOB_FINISHED_EVENT,
} as const;

/**
 * Message ids are deterministic (job UID + event): a job starts once and finishes once, so a retry after a crash or
 * a failed status write publishes the same id and JetStream's duplicate window drops it.
 */
export function startedMessage(job: ReadOnly<BroadcastJob>): BusEvent {
  const uid = job.metadata?.uid ?? "";
  return {
    kind: BUS_KIND,
    namespace: job.metadata?.namespace ?? "",
    name: job.metadata?.name ?? "",
    event: BroadcastJobBusEvent.Started,
    id: `${uid}.${BroadcastJobBusEvent.Started}`,
    data: { uid, startTime: job.status?.startTime },
  };
}

export function finishedMessage(
  job: ReadOnly<BroadcastJob>,
  data: Omit<JobFinished, "uid" | "owner">,
): BusEvent {
  const uid = job.metadata?.uid ?? "";
  const ownerRef = job.metadata?.ownerReferences?.find((r) => r.controller === true);
  const payload: JobFinished = {
    uid,
    ...data,
    ...(ownerRef ? { owner: { kind: ownerRef.kind, name: ownerRef.name, uid: ownerRef.uid } } : {}),
  };
  return {
    kind: BUS_KIND,
    namespace: job.metadata?.namespace ?? "",
    name: job.metadata?.name ?? "",
    event: BroadcastJobBusEvent.Finished,
    id: jobFinishedId(uid),
    data: payload,
  };
}
