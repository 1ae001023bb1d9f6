import type { Job } from "kubernetes-types/batch/v1.js";
import { AdvancedCronJobKind, BroadcastJobKind } from "@kruise/api";
import type { Controller, Manager, Predicate } from "@kruise/sdk";
import { childInfo } from "./children.ts";
import { CHILD_FINISHED_SUBJECTS, ownerOfFinishedEvent } from "./events.ts";
import { JobKind } from "./kinds.ts";
import { cronJobReconciler } from "./reconcile.ts";

export const CONTROLLER_NAME = "advancedcronjob-controller";

export interface CronJobControllerOptions {
  workers?: number;
  /** Resync period while children are active (the no-NATS path to notice a BroadcastJob finished). Default 30 s. */
  activeResyncMs?: number;
}

/**
 * Registers the AdvancedCronJob controller. Children wake their cron job when they appear or disappear; a batch
 * Job also when it finishes (nobody publishes Job events). A BroadcastJob's finish arrives as its job-finished event
 * on NATS, or, without NATS, at the next active resync: NATS buys latency, never correctness.
 */
export function addCronJobController(mgr: Manager, options: CronJobControllerOptions = {}): Controller {
  let builder = mgr
    .controller(CONTROLLER_NAME)
    .for(AdvancedCronJobKind)
    .owns(JobKind, existenceOrFinish)
    .owns(BroadcastJobKind, existenceOnly)
    .workers(options.workers ?? 1);
  // Without --nats-url the manager has no EventBus and these subscriptions are inactive.
  for (const subject of CHILD_FINISHED_SUBJECTS) builder = builder.watchesEvents(subject, ownerOfFinishedEvent);
  return builder.reconcile(
    cronJobReconciler({
      publish: (e) => mgr.eventBus?.publish(e),
      activeResyncMs: options.activeResyncMs ?? 30_000,
    }),
  );
}

const existenceOnly: Predicate = (e) => e.type !== "update";

const existenceOrFinish: Predicate<Job> = (e) =>
  e.type !== "update" || !e.oldObject || childInfo("Job", e.oldObject).state !== childInfo("Job", e.object).state;
