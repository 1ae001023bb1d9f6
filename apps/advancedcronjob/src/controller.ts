import type { Job } from "kubernetes-types/batch/v1.js";
import { AdvancedCronJobKind, BroadcastJobKind } from "@kruise/api";
import type { Controller, Manager, Predicate } from "@kruise/sdk";
import { noBus, type LifecycleBus } from "./bus.ts";
import { childInfo } from "./children.ts";
import { CHILD_FINISHED_SUBJECTS, ownerOfFinishedMessage } from "./events.ts";
import { JobKind } from "./kinds.ts";
import { cronJobReconciler } from "./reconcile.ts";

export const CONTROLLER_NAME = "advancedcronjob-controller";

export interface CronJobControllerOptions {
  workers?: number;
  /** Where lifecycle events go and child-finished events come from; default none. */
  bus?: LifecycleBus;
  /** Resync period while children are active (the no-NATS path to notice a BroadcastJob finished). Default 30 s. */
  activeResyncMs?: number;
}

/**
 * Registers the AdvancedCronJob controller. Children wake their cron job when they appear or disappear; a batch
 * Job also when it finishes (nobody publishes Job events). A BroadcastJob's finish arrives as its job-finished event
 * on NATS, or, without NATS, at the next active resync: NATS buys latency, never correctness.
 */
export function addCronJobController(mgr: Manager, options: CronJobControllerOptions = {}): Controller {
  const bus = options.bus ?? noBus;
  const controller = mgr
    .controller(CONTROLLER_NAME)
    .for(AdvancedCronJobKind)
    .owns(JobKind, existenceOrFinish)
    .owns(BroadcastJobKind, existenceOnly)
    .workers(options.workers ?? 1)
    .reconcile(cronJobReconciler({ publish: (m) => bus.publish(m), activeResyncMs: options.activeResyncMs ?? 30_000 }));
  for (const subject of CHILD_FINISHED_SUBJECTS) {
    bus.subscribe(subject, (msgSubject, data) => {
      const owner = ownerOfFinishedMessage(msgSubject, data);
      if (owner) controller.enqueue(owner);
    });
  }
  return controller;
}

const existenceOnly: Predicate = (e) => e.type !== "update";

const existenceOrFinish: Predicate<Job> = (e) =>
  e.type !== "update" || !e.oldObject || childInfo("Job", e.oldObject).state !== childInfo("Job", e.object).state;
