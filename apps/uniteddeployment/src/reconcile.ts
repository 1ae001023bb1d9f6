import {
  SUBSET_NAME_LABEL,
  UNITED_DEPLOYMENT_RESERVED_POD_LABEL,
  UnitedDeploymentConditionType,
  UnitedDeploymentKind,
  type UnitedDeployment,
  type UnitedDeploymentStatus,
} from "@kruise/api";
import type { ReconcileContext, Reconciler } from "@kruise/sdk";
import {
  CACHE_LAG_REQUEUE_MS,
  cachedOwner,
  ControllerRevisionKind,
  formatKubeTime,
  ignoreNotFound,
  PodKind,
  Requeue,
  TerminalError,
  waitForScaleExpectations,
} from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  allocateSubsetReplicas,
  calculateUnitedStatus,
  labelSelectorString,
  nextSubsetPartitions,
  removeCondition,
  selectorMatches,
  setCondition,
  subsetAllocationFailureEvent,
  subsetPatchAnnotation,
  subsetWorkloadType,
  truncateHistory,
  viewSubset,
  type CurrentSubset,
  type SubsetView,
  type UnitedDeploymentCondition,
} from "@kruise/workload";
import type { UnitedDeploymentDeps } from "./deps.ts";
import { syncUnitedRevisions, unitedHistory } from "./revisions.ts";
import { manageReservation, manageSchedulability, markRecoveredScaleUps } from "./schedulability.ts";
import { writeUnitedStatus } from "./status-writer.ts";
import {
  deleteOtherTypes,
  ownedSubsets,
  provisionSubsets,
  updateSubsets,
  type SubsetRun,
} from "./subsets.ts";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * One level-triggered reconcile (OpenKruise's Reconcile): record the revision; read the subset workloads of the
 * template's kind (deleting duplicates and those of other kinds); split the replicas; create missing subsets,
 * delete removed ones, and write those whose revision, replicas, partition or patch differ; then the status.
 * A converged UnitedDeployment makes no write.
 */
export const reconcileUnitedDeployment: Reconciler<UnitedDeploymentDeps> = async (request, ctx, deps) => {
  const key = `${request.namespace}/${request.name}`;
  const ud = cachedOwner(ctx, UnitedDeploymentKind, request, deps.creations) as UnitedDeployment | undefined;
  // Deleting: the garbage collector removes the subsets it owns.
  if (ud === undefined || ud.metadata?.deletionTimestamp !== undefined) return;
  const lag = waitForScaleExpectations(ctx, deps.creations, key);
  if (lag !== undefined) return lag;
  // The conditions are carried forward from the cached status: one computed from a copy older than our last status
  // write would send back the conditions that write replaced (SubsetProvisioned lost). The write's own watch event
  // wakes the key again sooner than the requeue.
  if (!deps.ownStatusVersions.satisfied(ud)) {
    ctx.log.debug("waiting for the cache to show our last status write");
    return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  }
  const type = subsetWorkloadType(ud);
  if (type === undefined)
    throw new TerminalError(`UnitedDeployment ${key}: spec.template declares no workload`);
  const run: SubsetRun = { ctx, deps, ud, key, type };
  const now = ctx.clock.now();
  const owned = { namespace: request.namespace, controllerUID: ud.metadata?.uid ?? "" };

  const history = ctx.cache.list(ControllerRevisionKind, owned) as ControllerRevision[];
  let revisions;
  try {
    revisions = await syncUnitedRevisions(ctx.client, ud, history);
  } catch (err) {
    ctx.recorder.event(ud, "Warning", "FailedRevisionProvision", message(err));
    throw err;
  }
  const updatedRevision = revisions.updateRevision.metadata?.name ?? "";
  const currentRevision = revisions.currentRevision.metadata?.name ?? "";

  const found = await ownedSubsets(run);
  if (found.waiting) return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  const pods = ctx.cache.list(PodKind, { namespace: request.namespace }) as Pod[];
  const podsOf = (subset: string): Pod[] => {
    const selector = found.byName.get(subset)?.spec?.["selector"] as Parameters<typeof selectorMatches>[0];
    return pods.filter(
      (p) =>
        p.metadata?.labels?.[SUBSET_NAME_LABEL] === subset &&
        selectorMatches(selector ?? ud.spec?.selector, p.metadata.labels),
    );
  };
  const views = new Map<string, SubsetView>();
  for (const [name, obj] of found.byName) {
    const view = viewSubset(type, obj, podsOf(name), updatedRevision);
    if (view !== undefined) views.set(name, view);
  }

  const requeue = new Requeue();
  const strategy = ud.spec?.topology?.scheduleStrategy;
  const adaptive = strategy?.type === "Adaptive";
  // Reserve mode is for CloneSet and Deployment subsets only (admission refuses it for the StatefulSet kinds).
  const reservation =
    adaptive &&
    strategy?.adaptive?.reserveUnschedulablePods === true &&
    (type === "CloneSet" || type === "Deployment")
      ? manageReservation(ud, views, podsOf, updatedRevision, now)
      : undefined;
  const schedulability = reservation ?? (adaptive ? manageSchedulability(ud, views, podsOf, now) : undefined);
  if (schedulability?.requeueAfterMs !== undefined) requeue.after(schedulability.requeueAfterMs);
  if (reservation !== undefined) await labelReservedPods(ctx, request.namespace, reservation.labels);

  const current = new Map<string, CurrentSubset>();
  for (const [name, view] of views)
    current.set(name, {
      replicas: view.specReplicas,
      unschedulable: schedulability?.unschedulable.has(name) ?? false,
      readyReplicas: view.statusReadyReplicas,
      ...(reservation !== undefined
        ? {
            previouslyUnschedulable: reservation.marked.has(name),
            reservedPods: reservation.reservedPods.get(name) ?? 0,
            // What the subset is asked to keep, not the pods that exist: while its own controller is still scaling
            // (pods not yet created or not yet deleted), counting pods would make the allocator add or take the same
            // replicas twice (OpenKruise counts pods, and can then ask for -1 replicas and retry until pods catch up).
            normalPods: Math.max(0, view.specReplicas - (reservation.reservedPods.get(name) ?? 0)),
          }
        : {}),
    });
  const allocation = allocateSubsetReplicas({
    replicas: ud.spec?.replicas,
    subsets: ud.spec?.topology?.subsets ?? [],
    scheduleStrategy: strategy?.type,
    reserveUnschedulablePods: strategy?.adaptive?.reserveUnschedulablePods,
    current,
  });
  if (!allocation.ok) {
    const event = subsetAllocationFailureEvent(allocation.error);
    ctx.recorder.event(ud, event.type, event.reason, event.message);
    // A function of the spec: retrying cannot help until the UnitedDeployment changes.
    throw new TerminalError(`UnitedDeployment ${key}: ${event.message}`);
  }
  const nextReplicas = allocation.replicas;
  const subsetConditions =
    reservation !== undefined
      ? markRecoveredScaleUps(reservation, views, nextReplicas, now)
      : schedulability?.conditions;
  const nextPartitions = nextSubsetPartitions(ud, nextReplicas);

  let conditions = ud.status?.conditions;
  const condition = (
    type: string,
    status: "True" | "False",
    reason = "",
    msg = "",
  ): UnitedDeploymentCondition => ({
    type,
    status,
    reason,
    message: msg,
    lastTransitionTime: formatKubeTime(now),
  });
  let failure: Error | undefined;
  try {
    const provisioned = await provisionSubsets(
      run,
      found.byName,
      nextReplicas,
      nextPartitions,
      updatedRevision,
    );
    provisioned.changed ||= await deleteOtherTypes(run);
    if (provisioned.changed)
      conditions = setCondition(
        conditions,
        condition(UnitedDeploymentConditionType.SubsetProvisioned, "True"),
      );
  } catch (err) {
    conditions = setCondition(
      conditions,
      condition(UnitedDeploymentConditionType.SubsetProvisioned, "False", "Error", message(err)),
    );
    failure = err instanceof Error ? err : new Error(String(err));
  }
  if (failure === undefined) {
    const next = new Map(
      (ud.spec?.topology?.subsets ?? []).map((s) => [
        s.name,
        {
          revision: updatedRevision,
          replicas: nextReplicas[s.name] ?? 0,
          partition: nextPartitions[s.name] ?? 0,
          patch: subsetPatchAnnotation(s),
        },
      ]),
    );
    try {
      await updateSubsets(run, views, next);
      conditions = setCondition(conditions, condition(UnitedDeploymentConditionType.SubsetUpdated, "True"));
    } catch (err) {
      conditions = setCondition(
        conditions,
        condition(UnitedDeploymentConditionType.SubsetUpdated, "False", "Error", message(err)),
      );
      failure = err instanceof Error ? err : new Error(String(err));
      if (adaptive) requeue.after(adaptiveCriticalMs(ud));
    }
  }
  conditions = removeCondition(conditions, UnitedDeploymentConditionType.SubsetFailure);

  await truncateHistory(ctx.client, unitedHistory(ud, revisions));
  const status: UnitedDeploymentStatus = calculateUnitedStatus({
    previous: ud.status,
    generation: ud.metadata?.generation ?? 0,
    subsetNames: (ud.spec?.topology?.subsets ?? []).map((s) => s.name),
    subsets: views,
    nextReplicas,
    nextPartitions,
    currentRevision,
    updatedRevision,
    collisionCount: revisions.collisionCount,
    // Reserve mode: HPA and kubectl scale count only the pods that are not reserved.
    labelSelector:
      labelSelectorString(ud.spec?.selector) +
      (reservation !== undefined ? `,${UNITED_DEPLOYMENT_RESERVED_POD_LABEL}=false` : ""),
    conditions,
    ...(subsetConditions !== undefined ? { subsetConditions } : {}),
    ...(reservation !== undefined ? { reservedPods: reservation.reservedPods } : {}),
  });
  const written = await writeUnitedStatus(ctx.client, ud, status);
  if (written !== undefined) deps.ownStatusVersions.expect(written);
  if (failure !== undefined) throw failure;
  return requeue.result();
};

/**
 * Writes the reserved label of the pods whose reserved state is new or changed (OpenKruise's
 * patchReservedStatusChangedPods), as strategic merge patches of the label alone. A pod gone meanwhile is skipped.
 */
async function labelReservedPods(
  ctx: ReconcileContext,
  namespace: string,
  labels: readonly { readonly pod: string; readonly reserved: boolean }[],
): Promise<void> {
  for (const { pod, reserved } of labels)
    await ctx.client
      .patch(PodKind, pod, namespace, "strategic", {
        metadata: { labels: { [UNITED_DEPLOYMENT_RESERVED_POD_LABEL]: String(reserved) } },
      })
      .catch(ignoreNotFound);
}

function adaptiveCriticalMs(ud: UnitedDeployment): number {
  return (ud.spec?.topology?.scheduleStrategy?.adaptive?.rescheduleCriticalSeconds ?? 30) * 1000;
}
