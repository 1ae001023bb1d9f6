import { AdvancedCronJobKind, BroadcastJobKind, type AdvancedCronJob } from "@kruise/api";
import {
  AlreadyExistsError,
  type BusEvent,
  JobKind,
  type KubeObject,
  NotFoundError,
  patchStatusIfChanged,
  type ReadOnly,
  type ReconcileContext,
  type Reconciler,
  type ReconcileResult,
  type Request,
} from "@kruise/sdk";
import { buildChild } from "./child-builder.ts";
import { childInfo, type ChildInfo } from "./children.ts";
import { planCronJob } from "./cron-plan.ts";
import { jobFinishedMessage, scheduleFiredMessage } from "./events.ts";

export interface CronReconcilerDeps {
  /** Publishes a lifecycle event on the EventBus; a no-op without NATS. Never throws. */
  publish(message: BusEvent): void;
  /**
   * While a cron job has active children, look again after this long even without any event: the informer path
   * that stands in for the job-finished events when NATS is down. Child status changes do not wake the controller.
   */
  activeResyncMs: number;
}

/** The AdvancedCronJob reconcile: children from the cache, plan, act, write status, publish. */
export function cronJobReconciler(deps: CronReconcilerDeps): Reconciler {
  // The newest run started per cron job (by UID). A freshly listed cache is up to date after a restart; during a run
  // this covers the moment when our status write is not in the cache yet but a trimmed child is already gone.
  // Keyed by namespace/name and tagged with the UID, so a re-created cron job of the same name starts afresh.
  const lastStarted = new Map<string, { uid: string; run: number }>();

  return async (request: Request, ctx: ReconcileContext): Promise<ReconcileResult | void> => {
    const key = `${request.namespace}/${request.name}`;
    const acj = ctx.cache.get(AdvancedCronJobKind, request.namespace, request.name);
    if (!acj) {
      lastStarted.delete(key);
      return;
    }
    const uid = acj.metadata?.uid ?? "";
    const children = listChildren(ctx, acj);
    const remembered = lastStarted.get(key);
    const previous = remembered?.uid === uid ? remembered.run : undefined;
    const plan = planCronJob({
      acj,
      children,
      now: ctx.clock.now(),
      ...(previous !== undefined ? { lastStartedRun: previous } : {}),
    });

    for (const child of plan.replace)
      await deleteChild(ctx, child, acj, "replaced by a new run (concurrencyPolicy Replace)");

    if (plan.startRun !== undefined) {
      const built = buildChild(acj, plan.startRun);
      const name = built.object.metadata?.name ?? "";
      let createdUid: string | undefined;
      try {
        const created =
          built.kind === "Job"
            ? await ctx.client.create(JobKind, built.object)
            : await ctx.client.create(BroadcastJobKind, built.object);
        createdUid = created.metadata?.uid;
        ctx.recorder.event(target(acj), "Normal", "SuccessfulCreate", `Created ${built.kind} ${name}`);
      } catch (err) {
        // Deterministic name: this run was already started (a retry, or a process that crashed after creating it).
        if (!(err instanceof AlreadyExistsError)) {
          ctx.recorder.event(
            target(acj),
            "Warning",
            "FailedCreate",
            `Error creating ${built.kind} ${name}: ${(err as Error).message}`,
          );
          throw err;
        }
      }
      lastStarted.set(key, { uid, run: Math.max(previous ?? 0, plan.startRun) });
      if (createdUid) {
        const ref = {
          apiVersion: built.object.apiVersion ?? "",
          kind: built.kind,
          name,
          namespace: request.namespace,
          uid: createdUid,
        };
        plan.status.active = [...(plan.status.active ?? []), ref];
      }
      deps.publish(scheduleFiredMessage(acj, plan.startRun, { kind: built.kind, name }));
    }

    await patchStatusIfChanged(ctx.client, AdvancedCronJobKind, acj, plan.status);
    for (const e of plan.events) ctx.recorder.event(target(acj), e.type, e.reason, e.message);
    for (const child of plan.newlyFinished) deps.publish(jobFinishedMessage(acj, child));
    for (const child of plan.trimHistory) await deleteChild(ctx, child, acj, "beyond the history limit");

    const hasActive = (plan.status.active?.length ?? 0) > 0;
    const waits = [plan.requeueAfterMs, hasActive ? deps.activeResyncMs : undefined].filter(
      (v): v is number => v !== undefined,
    );
    return waits.length > 0 ? { requeueAfter: Math.min(...waits) } : undefined;
  };
}

function listChildren(ctx: ReconcileContext, acj: ReadOnly<AdvancedCronJob>): ChildInfo[] {
  const options = { namespace: acj.metadata?.namespace ?? "", controllerUID: acj.metadata?.uid ?? "" };
  return [
    ...ctx.cache.list(JobKind, options).map((j) => childInfo("Job", j)),
    ...ctx.cache.list(BroadcastJobKind, options).map((b) => childInfo("BroadcastJob", b)),
  ];
}

async function deleteChild(
  ctx: ReconcileContext,
  child: ChildInfo,
  acj: ReadOnly<AdvancedCronJob>,
  why: string,
): Promise<void> {
  const kind = child.kind === "Job" ? JobKind : BroadcastJobKind;
  try {
    await ctx.client.delete(kind, child.name, child.namespace, {
      propagationPolicy: "Background",
      preconditions: { uid: child.uid },
    });
    ctx.recorder.event(
      target(acj),
      "Normal",
      "SuccessfulDelete",
      `Deleted ${child.kind} ${child.name}: ${why}`,
    );
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
}

/** The recorder only reads the object; the cache hands out read-only objects. */
function target(acj: ReadOnly<AdvancedCronJob>): KubeObject {
  return acj as KubeObject;
}
