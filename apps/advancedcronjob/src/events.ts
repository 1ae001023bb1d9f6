import { BUS_PARTIES, type AdvancedCronJob, type JobFinished } from "@kruise/api";
import type { BusEvent, CloudEvent, ReadOnly, Request } from "@kruise/sdk";
import type { ChildInfo } from "./children.ts";

/** The kind of this controller's events; the SDK makes the subject kruise.advancedcronjob.<namespace>.<name>.<event>. */
export const BUS_KIND = "AdvancedCronJob";

/** Lifecycle events AdvancedCronJob publishes on NATS. */
export const AdvancedCronJobBusEvent = {
  /** A run was started: data.job names the child, data.scheduledTime the run time. */
  ScheduleFired: "schedule-fired",
  /** A child finished; data.result is "Complete" or "Failed". */
  JobFinished: "job-finished",
} as const;

/** Subjects this controller listens to: children finishing. BroadcastJobs publish theirs; batch Jobs have no publisher
 * (kube-controller-manager runs them), so for Jobs the subject is listened to for any bridge that adds one. */
export const CHILD_FINISHED_SUBJECTS = BUS_PARTIES.advancedcronjob.consumes;

/** Deterministic ids: one run time fires once; one child finishes once. Retries are dropped by JetStream's dedup window. */
export function scheduleFiredMessage(
  acj: ReadOnly<AdvancedCronJob>,
  scheduledTime: number,
  child: { kind: string; name: string },
): BusEvent {
  const uid = acj.metadata?.uid ?? "";
  const seconds = Math.floor(scheduledTime / 1000);
  return {
    kind: BUS_KIND,
    namespace: acj.metadata?.namespace ?? "",
    name: acj.metadata?.name ?? "",
    event: AdvancedCronJobBusEvent.ScheduleFired,
    id: `${uid}.${seconds}.${AdvancedCronJobBusEvent.ScheduleFired}`,
    data: { uid, scheduledTime: new Date(seconds * 1000).toISOString(), job: child },
  };
}

export function jobFinishedMessage(acj: ReadOnly<AdvancedCronJob>, child: ChildInfo): BusEvent {
  return {
    kind: BUS_KIND,
    namespace: acj.metadata?.namespace ?? "",
    name: acj.metadata?.name ?? "",
    event: AdvancedCronJobBusEvent.JobFinished,
    id: `${child.uid}.${AdvancedCronJobBusEvent.JobFinished}`,
    data: { job: { kind: child.kind, name: child.name, uid: child.uid }, result: child.state },
  };
}

/** The cron job a child-finished event is about, from the owner in its data: nothing when it is not ours. */
export function ownerOfFinishedEvent(e: CloudEvent): Request[] {
  // The payload comes off the wire (any publisher may be wrong or forged): every field is checked before use.
  const owner = (e.data as Partial<JobFinished> | undefined)?.owner;
  if (!e.namespace || owner?.kind !== "AdvancedCronJob" || !owner.name) return [];
  return [{ namespace: e.namespace, name: owner.name }];
}
