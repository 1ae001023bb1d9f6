import type { Pod } from "kubernetes-types/core/v1.js";
import { BroadcastJobKind, type BroadcastJob } from "@kruise/api";
import {
  AlreadyExistsError,
  type BusEvent,
  cachedOwner,
  ignoreNotFound,
  type KubeObject,
  NodeKind,
  NotFoundError,
  patchStatusIfChanged,
  PodKind,
  type ReadOnly,
  type ReconcileContext,
  type Reconciler,
  type ScaleExpectations,
  waitForScaleExpectations,
} from "@kruise/sdk";
import { MAX_IN_FLIGHT, slowStartWindow } from "@kruise/workload";
import { finishedMessage, startedMessage } from "./events.ts";
import { planBroadcastJob, type BroadcastJobPlan } from "./job-plan.ts";
import { buildJobPod, type PodBuildOptions } from "./pod-builder.ts";

export interface BroadcastJobReconcilerDeps extends PodBuildOptions {
  /** Publishes a lifecycle event on the EventBus; a no-op without NATS. Never throws. */
  publish(message: BusEvent): void;
  /** Pod creates and deletes the cache has not shown yet, per job key (pod events lower it: the builder's owns slot). */
  expectations: ScaleExpectations;
}

/** While expectations are outstanding, look again this soon in case a watch event is late. */
const EXPECTATIONS_RECHECK_MS = 1000;

/** The BroadcastJob reconcile: read job, pods and nodes from the cache, plan, act, write status, publish. */
export const reconcileBroadcastJob: Reconciler<BroadcastJobReconcilerDeps> = async (request, ctx, deps) => {
  const key = `${request.namespace}/${request.name}`;
  const job = cachedOwner(ctx, BroadcastJobKind, request, deps.expectations);
  if (!job) return;
  const lag = waitForScaleExpectations(ctx, deps.expectations, key, EXPECTATIONS_RECHECK_MS);
  if (lag !== undefined) return lag;

  const pods = ctx.cache.list(PodKind, {
    namespace: request.namespace,
    controllerUID: job.metadata?.uid ?? "",
  });
  const nodes = ctx.cache.list(NodeKind);
  const plan = planBroadcastJob({ job, pods, nodes, now: ctx.clock.now() });

  if (plan.deleteJob) {
    ctx.log.info("ttlSecondsAfterFinished passed; deleting the job");
    await ctx.client
      .delete(BroadcastJobKind, request.name, request.namespace, {
        propagationPolicy: "Background",
        preconditions: { uid: job.metadata?.uid ?? "" },
      })
      .catch(ignoreNotFound);
    return;
  }

  await deletePods(deps, ctx, job, key, plan.deletePods);
  const failedCreates = await createPods(deps, ctx, job, key, plan.createOn);
  plan.status.active = (plan.status.active ?? 0) - failedCreates;

  await patchStatusIfChanged(ctx.client, BroadcastJobKind, job, plan.status);
  for (const e of plan.events) ctx.recorder.event(eventTarget(job), e.type, e.reason, e.message);
  publishLifecycle(deps, job, plan);
  if (failedCreates > 0)
    throw new Error(`${failedCreates} pod create(s) failed for BroadcastJob ${key}; retrying with backoff`);
  return plan.requeueAfterMs === undefined ? undefined : { requeueAfter: plan.requeueAfterMs };
};

async function deletePods(
  deps: BroadcastJobReconcilerDeps,
  ctx: ReconcileContext,
  job: ReadOnly<BroadcastJob>,
  key: string,
  names: string[],
): Promise<void> {
  if (names.length === 0) return;
  const namespace = job.metadata?.namespace ?? "";
  deps.expectations.expectDeletions(key, names);
  await Promise.all(
    names.map(async (name) => {
      try {
        await ctx.client.delete(PodKind, name, namespace);
        ctx.recorder.event(eventTarget(job), "Normal", "SuccessfulDelete", `Delete pod: ${name}`);
      } catch (err) {
        deps.expectations.deletionObserved(key, name);
        if (!(err instanceof NotFoundError)) throw err;
      }
    }),
  );
}

/**
 * Creates pods in slow-start batches (1, 2, 4, … then a bounded window, @kruise/workload's slowStartWindow); returns
 * how many creates failed or were skipped after a failure (retried on the next reconcile).
 */
async function createPods(
  deps: BroadcastJobReconcilerDeps,
  ctx: ReconcileContext,
  job: ReadOnly<BroadcastJob>,
  key: string,
  nodes: string[],
): Promise<number> {
  const pods = nodes.map((node) => buildJobPod(job, node, deps));
  const names = pods.map((p) => p.metadata?.name ?? "");
  // Expect before writing: an informer event for a pod may arrive before create() returns.
  deps.expectations.expectCreations(key, names);
  const result = await slowStartWindow(pods.length, MAX_IN_FLIGHT, async (i) => {
    if (!(await createOne(deps, ctx, job, key, pods[i] as Pod))) throw new Error("create failed");
  });
  // Pods never attempted were never written: they are not coming.
  for (let i = 0; i < pods.length; i++)
    if (!result.attempted.has(i)) deps.expectations.creationObserved(key, names[i] ?? "");
  return pods.length - result.succeeded;
}

async function createOne(
  deps: BroadcastJobReconcilerDeps,
  ctx: ReconcileContext,
  job: ReadOnly<BroadcastJob>,
  key: string,
  pod: Pod,
): Promise<boolean> {
  const name = pod.metadata?.name ?? "";
  try {
    await ctx.client.create(PodKind, pod);
    ctx.recorder.event(eventTarget(job), "Normal", "SuccessfulCreate", `Created pod: ${name}`);
    return true;
  } catch (err) {
    // The deterministic name already exists: an earlier create (perhaps by a process that crashed) went through.
    if (err instanceof AlreadyExistsError) return true;
    deps.expectations.creationObserved(key, name);
    ctx.recorder.event(
      eventTarget(job),
      "Warning",
      "FailedCreate",
      `Error creating: ${(err as Error).message}`,
    );
    ctx.log.warn({ err, pod: name }, "creating a job pod failed");
    return false;
  }
}

function publishLifecycle(
  deps: BroadcastJobReconcilerDeps,
  job: ReadOnly<BroadcastJob>,
  plan: BroadcastJobPlan,
): void {
  const withStatus = { ...job, status: plan.status } as ReadOnly<BroadcastJob>;
  if (plan.started) deps.publish(startedMessage(withStatus));
  if (plan.finished) {
    deps.publish(
      finishedMessage(withStatus, {
        ...plan.finished,
        succeeded: plan.status.succeeded ?? 0,
        failed: plan.status.failed ?? 0,
        desired: plan.status.desired ?? 0,
      }),
    );
  }
}

/** The recorder only reads the object; the cache hands out read-only objects. */
function eventTarget(job: ReadOnly<BroadcastJob>): KubeObject {
  return job as KubeObject;
}
