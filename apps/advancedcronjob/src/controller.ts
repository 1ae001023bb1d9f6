import { JobKind } from "@kruise/sdk";
import type { Job } from "kubernetes-types/batch/v1.js";
import { AdvancedCronJobKind, BroadcastJobKind, type BroadcastJob } from "@kruise/api";
import type { CloudEvent, Controller, Manager, Predicate, Request } from "@kruise/sdk";
import { AnnouncedFinishes } from "./announced-finishes.ts";
import { childInfo } from "./children.ts";
import { CHILD_FINISHED_SUBJECTS, ownerOfFinishedEvent } from "./events.ts";
import { cronJobReconciler } from "./reconcile.ts";

export const CONTROLLER_NAME = "advancedcronjob-controller";

export interface CronJobControllerOptions {
  workers?: number;
  /** Resync period while children are active (the no-NATS path to notice a BroadcastJob finished). Default 30 s. */
  activeResyncMs?: number;
}

/**
 * Registers the AdvancedCronJob controller. Children wake their cron job when they appear or disappear; a batch
 * Job also when it finishes (nobody publishes Job events). BroadcastJob status changes (every pod that starts or
 * ends) do not: their finish arrives as the job-finished event on NATS, or, without NATS, at the next active
 * resync. NATS buys latency, never correctness.
 */
export function addCronJobController(mgr: Manager, options: CronJobControllerOptions = {}): Controller {
  const announced = new AnnouncedFinishes();
  let builder = mgr
    .controller(CONTROLLER_NAME)
    .for(AdvancedCronJobKind)
    .owns(JobKind, existenceOrFinish)
    .owns(BroadcastJobKind, existenceOrAnnouncedFinish(announced))
    .workers(options.workers ?? 1);
  const onFinished = (e: CloudEvent): Request[] => {
    const uid = (e.data as { uid?: unknown } | undefined)?.uid;
    if (typeof uid === "string") announced.add(uid);
    return ownerOfFinishedEvent(e);
  };
  // Without --nats-url the manager has no EventBus and these subscriptions are inactive.
  for (const subject of CHILD_FINISHED_SUBJECTS) builder = builder.watchesEvents(subject, onFinished);
  return builder.reconcile(
    cronJobReconciler({
      publish: (e) => mgr.eventBus?.publish(e),
      activeResyncMs: options.activeResyncMs ?? 30_000,
    }),
  );
}

/** Adds and deletes; an update only when it shows a finish NATS already announced (the event overtook the cache). */
function existenceOrAnnouncedFinish(announced: AnnouncedFinishes): Predicate<BroadcastJob> {
  return (e) => {
    if (e.type !== "update" || !e.oldObject) return true;
    const nowFinished =
      childInfo("BroadcastJob", e.object).state !== "Active" &&
      childInfo("BroadcastJob", e.oldObject).state === "Active";
    return nowFinished && announced.take(e.object.metadata?.uid ?? "");
  };
}

const existenceOrFinish: Predicate<Job> = (e) =>
  e.type !== "update" ||
  !e.oldObject ||
  childInfo("Job", e.oldObject).state !== childInfo("Job", e.object).state;
