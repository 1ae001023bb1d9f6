import type { Node } from "kubernetes-types/core/v1.js";
import { BroadcastJobKind } from "@kruise/api";
import {
  type Controller,
  type Manager,
  NodeKind,
  PodKind,
  type Predicate,
  type ReadOnly,
  type Request,
  ScaleExpectations,
} from "@kruise/sdk";
import { isJobFinished } from "./job-spec.ts";
import { reconcileBroadcastJob } from "./reconcile.ts";

export const CONTROLLER_NAME = "broadcastjob-controller";

export interface BroadcastJobControllerOptions {
  /** Concurrent reconciles (distinct jobs). OpenKruise's default is 3. */
  workers?: number;
  /** OpenKruise's --assign-bcj-pods-by-scheduler (default true). */
  assignByScheduler?: boolean;
}

/**
 * Registers the BroadcastJob controller: it reconciles BroadcastJobs, is woken by their pods (controller owner
 * reference) and by node changes that can change eligibility (a new node, labels, taints, cordon, capacity).
 */
export function addBroadcastJobController(
  mgr: Manager,
  options: BroadcastJobControllerOptions = {},
): Controller {
  const expectations = new ScaleExpectations({
    name: CONTROLLER_NAME,
    clock: mgr.clock,
    registry: mgr.registry,
    log: mgr.log,
  });
  return (
    mgr
      .controller(CONTROLLER_NAME)
      .for(BroadcastJobKind)
      // Pod events lower the expectations before the job is enqueued.
      .owns(PodKind, { expectations: { scale: expectations } })
      .watches(NodeKind, () => unfinishedJobs(mgr), nodeEligibilityChanged)
      .workers(options.workers ?? 3)
      .reconcile(reconcileBroadcastJob, {
        assignByScheduler: options.assignByScheduler ?? true,
        expectations,
        // The manager's EventBus exists when --nats-url is set; without it lifecycle events are simply not published.
        publish: (e) => mgr.eventBus?.publish(e),
      })
  );
}

function unfinishedJobs(mgr: Manager): Request[] {
  return mgr.cache
    .list(BroadcastJobKind)
    .filter((job) => !isJobFinished(job))
    .map((job) => ({ namespace: job.metadata?.namespace ?? "", name: job.metadata?.name ?? "" }));
}

/** Node heartbeats rewrite status every few seconds; only what the eligibility rules read should wake jobs. */
const nodeEligibilityChanged: Predicate<Node> = (e) => {
  if (e.type !== "update" || !e.oldObject) return true;
  const view = (n: ReadOnly<Node>): string =>
    JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable]);
  return view(e.oldObject) !== view(e.object);
};
