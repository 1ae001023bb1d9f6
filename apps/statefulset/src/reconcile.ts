import type { StatefulSet, StatefulSetStatus } from "@kruise/api";
import { StatefulSetConditionType, StatefulSetKind } from "@kruise/api";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  CACHE_LAG_REQUEUE_MS,
  cachedOwner,
  ConflictError,
  ControllerRevisionKind,
  patchStatusIfChanged,
  PersistentVolumeClaimKind,
  PodKind,
  Requeue,
  TerminalError,
  waitForScaleExpectations,
  type Reconciler,
} from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import {
  claimsToCreate,
  executeUpdate,
  labelSelectorString,
  planOrdinalScale,
  planOrdinalUpdate,
  podsToRelease,
  removeCondition,
  setCondition,
  refreshPods,
  releasePods,
  requeueAfterForAvailability,
  revisionHashOnlyAdapter,
  truncateHistory,
  workloadHistory,
  MAX_IN_FLIGHT,
  slowStartWindow,
  sortByPriority,
  subsetStatusChangedEvent,
  syncRevisions,
  templateFromRevision,
  type OrdinalPod,
  type RevisionState,
  type WorkloadDeps,
} from "@kruise/workload";
import { claimsForOrdinal, isClaimOfSet, wantedClaimOwners } from "./claims.ts";
import type { StatefulSetControllerDeps, StatefulSetDeps } from "./deps.ts";
import {
  eventSource,
  podUpdatedInPlaceId,
  rolloutCompleteId,
  rolloutProgressId,
  StatefulSetBusEvent,
} from "./events.ts";
import { statefulSetParams, type StatefulSetParams } from "./params.ts";
import {
  createClaim,
  createPodWithClaims,
  deletePod,
  message,
  setKey,
  syncClaimOwners,
} from "./pod-writes.ts";
import { newStatefulPod, viewPod, type SetPod } from "./pods.ts";
import { statefulSetRevisionSource } from "./revisions.ts";
import { calculateStatus, trueCondition } from "./status.ts";

/**
 * One level-triggered reconcile: read the set, its pods, claims and revisions from the cache; wait while the
 * cache lags our own writes; refresh pods in flight; then one scaling step (planOrdinalScale) or, when scaling
 * has nothing to do, one update step (planOrdinalUpdate); prune history; write status if it changed. Logs go
 * through the context's logger (controller, namespace, name, reconcileID).
 */
export const reconcileStatefulSet: Reconciler<StatefulSetControllerDeps> = async (
  request,
  ctx,
  controllerDeps,
) => {
  const deps: StatefulSetDeps = {
    ...controllerDeps,
    client: ctx.client,
    cache: ctx.cache,
    recorder: ctx.recorder,
    clock: ctx.clock,
    log: ctx.log,
  };
  const key = `${request.namespace}/${request.name}`;
  const set = cachedOwner(ctx, StatefulSetKind, request, deps.scaleExpectations) as StatefulSet | undefined;
  // Deleting: the garbage collector removes pods (and claims owned for whenDeleted: Delete).
  if (set === undefined || set.metadata?.deletionTimestamp !== undefined) return;
  const lag = waitForScaleExpectations(ctx, deps.scaleExpectations, key);
  if (lag !== undefined) return lag;
  const owned = { namespace: request.namespace, controllerUID: set.metadata?.uid ?? "" };
  const pods = deps.cache.list(PodKind, owned) as Pod[];
  // Kubernetes' ClaimPods: a pod relabelled out of the selector is released (no longer ours); its written
  // resourceVersion is expected, so the check below waits for the cache to show it gone from our pods.
  const strays = podsToRelease(
    set.spec?.selector,
    owned.controllerUID,
    pods.filter((p) => p.metadata?.deletionTimestamp === undefined),
  );
  if (strays.length > 0) await releasePods(workloadDeps(deps, set), set, strays);
  if (pods.some((p) => !deps.podVersions.satisfied(p))) {
    deps.log.debug("waiting for the cache to show our pod writes");
    return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  }
  const history = deps.cache.list(ControllerRevisionKind, owned) as ControllerRevision[];
  const now = deps.clock.now();
  let conditions = set.status?.conditions;

  let params: StatefulSetParams;
  try {
    params = statefulSetParams(set);
  } catch (err) {
    // Only objects stored before validation get here: report on the status, and do not retry until it changes.
    conditions = setCondition(
      conditions,
      trueCondition(StatefulSetConditionType.FailedUpdatePod, "InvalidSpec", message(err), now),
    );
    await writeStatus(deps, set, {
      ...(set.status ?? {}),
      observedGeneration: set.metadata?.generation ?? 0,
      conditions,
    });
    throw new TerminalError(`StatefulSet ${key}: ${message(err)}`, { cause: err });
  }
  const revisions = await syncRevisions(deps.client, statefulSetRevisionSource(set), history);
  deps.log.debug(
    { replicas: params.replicas, pods: pods.length, update: revisions.updateRevision.metadata?.name },
    "reconcile",
  );
  const updateName = revisions.updateRevision.metadata?.name ?? "";
  const currentName = revisions.currentRevision.metadata?.name ?? "";
  const requeue = new Requeue();

  const live = pods.filter((p) => p.metadata?.deletionTimestamp === undefined);
  const refreshed = await refreshPods(workloadDeps(deps, set), live, {
    lifecycle: params.lifecycle,
    updateRevision: updateName,
    adapter: revisionHashOnlyAdapter,
    waitForScheduled: false,
  });
  requeue.after(refreshed.requeueAfterMs);

  const views = pods
    .map((p) => viewPod(set, p, updateName, params.minReadySeconds, now))
    .filter((v): v is SetPod => v !== undefined);
  const claims = claimsOfSet(deps, set);
  const slotSet = new Set(params.slots);
  await syncClaims(deps, set, views, claims, slotSet);

  let acted = false;
  let scaleFailure: Error | undefined;
  try {
    acted = await scaleStep(deps, set, params, revisions, views, claims);
    conditions = removeCondition(conditions, StatefulSetConditionType.FailedCreatePod);
  } catch (err) {
    if (err instanceof ConflictError) throw err;
    scaleFailure = err instanceof Error ? err : new Error(message(err));
    conditions = setCondition(
      conditions,
      trueCondition(StatefulSetConditionType.FailedCreatePod, "FailedCreate", message(err), now),
    );
    acted = true;
  }
  if (!acted && !params.onDelete && !params.paused) {
    // Pods the refresh just wrote count toward maxUnavailable but are not touched again in this reconcile.
    const inSlots = views.filter((v) => slotSet.has(v.view.ordinal));
    const outcome = await updateStep(deps, set, params, revisions, inSlots, refreshed.written);
    requeue.after(outcome.requeueAfterMs);
    conditions =
      outcome.errors.length > 0
        ? setCondition(
            conditions,
            trueCondition(
              StatefulSetConditionType.FailedUpdatePod,
              "FailedUpdate",
              outcome.errors.join("; "),
              now,
            ),
          )
        : removeCondition(conditions, StatefulSetConditionType.FailedUpdatePod);
  }

  await truncateHistory(deps.client, workloadHistory(revisions, pods, params.revisionHistoryLimit));
  const status = calculateStatus({
    set,
    params,
    pods: views.map((v) => v.pod),
    claims,
    currentRevision: currentName,
    updateRevision: updateName,
    collisionCount: revisions.collisionCount,
    conditions,
    labelSelector: labelSelectorString(set.spec?.selector),
    now,
  });
  await writeStatus(deps, set, status);
  // The condition is written; the error goes back to the workqueue, which retries with backoff (nothing else
  // would wake the set when, say, the pod blocking a name is someone else's).
  if (scaleFailure !== undefined) throw scaleFailure;
  requeue.after(requeueAfterForAvailability(live, params.minReadySeconds, now));
  return requeue.result();
};

/** The set's claims present in the cache: those named `<template>-<set>-<n>`. */
function claimsOfSet(deps: StatefulSetDeps, set: StatefulSet): PersistentVolumeClaim[] {
  if ((set.spec?.volumeClaimTemplates ?? []).length === 0) return [];
  const all = deps.cache.list(PersistentVolumeClaimKind, {
    namespace: set.metadata?.namespace ?? "",
  }) as PersistentVolumeClaim[];
  return all.filter((c) => isClaimOfSet(set, c.metadata?.name ?? ""));
}

/**
 * Claims follow their pods: a Pending pod whose claim is missing gets it back (Kubernetes recreates it), and
 * every claim carries the owner references the retention policy asks for.
 */
async function syncClaims(
  deps: StatefulSetDeps,
  set: StatefulSet,
  views: readonly SetPod[],
  claims: readonly PersistentVolumeClaim[],
  slots: ReadonlySet<number>,
): Promise<void> {
  if ((set.spec?.volumeClaimTemplates ?? []).length === 0) return;
  const byName = new Map(claims.map((c) => [c.metadata?.name ?? "", c]));
  for (const { pod, view } of views) {
    if (view.terminating) continue;
    const condemned = !slots.has(view.ordinal);
    for (const claim of claimsForOrdinal(set, view.ordinal).values()) {
      const existing = byName.get(claim.metadata?.name ?? "");
      if (existing === undefined) {
        if (pod.status?.phase !== "Pending" || condemned) continue;
        claim.metadata = { ...claim.metadata, ownerReferences: wantedClaimOwners(claim, set, pod, false) };
        await createClaim(deps, set, pod.metadata?.name ?? "", claim);
        continue;
      }
      if (existing.metadata?.deletionTimestamp !== undefined) continue;
      await syncClaimOwners(deps, set, existing, pod, condemned);
    }
  }
}

/** The revision a new pod at `ordinal` gets: the current one below the partition (ordered RollingUpdate), else the update one. */
function revisionForNewPod(
  params: StatefulSetParams,
  revisions: RevisionState,
  ordinal: number,
  views: readonly SetPod[],
): ControllerRevision {
  if (params.onDelete) return revisions.updateRevision;
  if (params.unordered) {
    const notUpdated = views.filter((v) => !v.view.updated && !v.view.terminating).length;
    return notUpdated < params.partition ? revisions.currentRevision : revisions.updateRevision;
  }
  return ordinal < params.ordinals.start + params.partition
    ? revisions.currentRevision
    : revisions.updateRevision;
}

/** One scaling step; returns whether it did (or is waiting on) anything that must finish before updating. */
async function scaleStep(
  deps: StatefulSetDeps,
  set: StatefulSet,
  params: StatefulSetParams,
  revisions: RevisionState,
  views: readonly SetPod[],
  claims: readonly PersistentVolumeClaim[],
): Promise<boolean> {
  const byName = new Map(views.map((v) => [v.view.name, v]));
  const plan = planOrdinalScale({
    slots: params.slots,
    pods: views.map((v) => v.view),
    policy: params.policy,
    ...(params.scaleMaxUnavailable !== undefined ? { maxUnavailable: params.scaleMaxUnavailable } : {}),
    readyForNext: (p) => p.runningAndReady && p.available,
  });
  const now = deps.clock.now();
  for (const pod of plan.recreate) {
    const found = byName.get(pod.name);
    if (found === undefined) continue;
    deps.recorder.event(
      set,
      "Warning",
      "RecreatingFailedPod",
      `StatefulSet ${setKey(set)} is recreating failed Pod ${pod.name}`,
    );
    await deletePod(deps, set, found.pod, undefined);
  }
  if (plan.create.length > 0) {
    const created = await slowStartWindow(plan.create.length, MAX_IN_FLIGHT, async (i) => {
      const ordinal = plan.create[i] ?? 0;
      const revision = revisionForNewPod(params, revisions, ordinal, views);
      const template = templateFromRevision(revision) ?? structuredClone(set.spec?.template ?? {});
      const ordinalClaims = claimsForOrdinal(set, ordinal);
      for (const c of ordinalClaims.values())
        c.metadata = { ...c.metadata, ownerReferences: wantedClaimOwners(c, set, undefined, false) };
      const pod = newStatefulPod({
        set,
        ordinal,
        revision: revision.metadata?.name ?? "",
        template,
        claims: ordinalClaims,
        lifecycle: params.lifecycle,
        now,
      });
      await createPodWithClaims(deps, set, pod, claimsToCreate(ordinalClaims, claims));
    });
    if (created.error !== undefined)
      throw created.error instanceof Error ? created.error : new Error(message(created.error));
  }
  for (const pod of plan.condemn) {
    const found = byName.get(pod.name);
    if (found === undefined) continue;
    // Its claims already name it as owner under whenScaled: Delete (syncClaims ran first), so the garbage
    // collector deletes them with it.
    await deletePod(deps, set, found.pod, params.lifecycle);
  }
  const acted = plan.create.length > 0 || plan.recreate.length > 0 || plan.condemn.length > 0;
  if (plan.waiting !== undefined) deps.log.debug({ waiting: plan.waiting }, "scaling waits");
  return acted || (params.policy === "OrderedReady" && plan.waiting !== undefined);
}

interface UpdateOutcome {
  readonly errors: string[];
  readonly requeueAfterMs: number | undefined;
}

/** One update step: specified deletes, then in-place updates or recreates in ordinal (or priority) order. */
async function updateStep(
  deps: StatefulSetDeps,
  set: StatefulSet,
  params: StatefulSetParams,
  revisions: RevisionState,
  views: readonly SetPod[],
  stale: ReadonlySet<string>,
): Promise<UpdateOutcome> {
  const byName = new Map(views.map((v) => [v.view.name, v]));
  const priority = set.spec?.updateStrategy?.rollingUpdate?.unorderedUpdate?.priorityStrategy;
  const plan = planOrdinalUpdate({
    pods: views.map((v) => v.view),
    start: params.ordinals.start,
    partition: params.partition,
    replicas: params.replicas,
    maxUnavailable: params.maxUnavailable,
    stale,
    ...(params.unordered
      ? {
          unordered: {
            sortWaiting: (ps: readonly OrdinalPod[]) => {
              const sorted = sortByPriority(
                ps.map((p) => byName.get(p.name)?.pod ?? {}),
                priority,
              );
              return sorted
                .map((pod) => byName.get(pod.metadata?.name ?? "")?.view)
                .filter((v): v is OrdinalPod => v !== undefined);
            },
          },
        }
      : {}),
  });
  for (const target of plan.specifiedDeletes) {
    const found = byName.get(target.name);
    if (found) await deletePod(deps, set, found.pod, params.lifecycle);
  }
  const outcome = await executeUpdate(workloadDeps(deps, set), {
    owner: set,
    policy: params.podUpdatePolicy,
    gracePeriodSeconds: params.gracePeriodSeconds,
    lifecycle: params.lifecycle,
    adapter: revisionHashOnlyAdapter,
    history: revisions.history,
    plan: {
      targetRevision: revisions.updateRevision.metadata?.name ?? "",
      pods: plan.update
        .map((target) => byName.get(target.name)?.pod)
        .filter((p): p is Pod => p !== undefined),
    },
    // OpenKruise's StatefulSet deletes a pod it cannot update in place (through its preDelete hook); the scale
    // step of a later reconcile creates it again at the update revision.
    recreate: (pod) => deletePod(deps, set, pod, params.lifecycle),
  });
  return { errors: outcome.errors, requeueAfterMs: outcome.requeueAfterMs };
}

/** The workload kit's view of the deps; its in-place steps become this controller's bus events. */
function workloadDeps(deps: StatefulSetDeps, set: StatefulSet): WorkloadDeps {
  return {
    client: deps.client,
    recorder: deps.recorder,
    clock: deps.clock,
    log: deps.log,
    podVersions: deps.podVersions,
    onStep: (step) => {
      if (step.type !== "pod-updated-in-place") return;
      deps.bus?.publish({
        ...eventSource(set),
        event: StatefulSetBusEvent.PodUpdatedInPlace,
        id: podUpdatedInPlaceId(step.podUid, step.revision),
        data: { pod: step.pod, revision: step.revision, images: step.images },
      });
    },
  };
}

/**
 * Writes status only when it changed (a converged set writes nothing), and publishes the rollout steps it shows and,
 * for a UnitedDeployment's subset, subset-status-changed.
 */
async function writeStatus(deps: StatefulSetDeps, set: StatefulSet, next: StatefulSetStatus): Promise<void> {
  const previous = set.status;
  if (!(await patchStatusIfChanged(deps.client, StatefulSetKind, set, next))) return;
  const bus = deps.bus;
  if (bus === undefined) return;
  // A subset of a UnitedDeployment: wake the owner so its status follows at once.
  const subsetEvent = subsetStatusChangedEvent(eventSource(set).kind, set, next);
  if (subsetEvent !== undefined) bus.publish(subsetEvent);
  const uid = set.metadata?.uid ?? "";
  const replicas = set.spec?.replicas ?? 1;
  const revision = next.updateRevision ?? "";
  const updated = next.updatedReplicas ?? 0;
  const updatedReady = next.updatedReadyReplicas ?? 0;
  if (
    previous?.updateRevision !== undefined &&
    (previous.updatedReplicas !== updated ||
      previous.updatedReadyReplicas !== updatedReady ||
      previous.updateRevision !== revision)
  )
    bus.publish({
      ...eventSource(set),
      event: StatefulSetBusEvent.RolloutProgress,
      id: rolloutProgressId(uid, revision, updated, updatedReady),
      data: { revision, updatedReplicas: updated, updatedReadyReplicas: updatedReady, replicas },
    });
  const done = (s: StatefulSetStatus | undefined): boolean =>
    s !== undefined &&
    s.currentRevision === s.updateRevision &&
    (s.updatedReadyReplicas ?? 0) === replicas &&
    s.replicas === replicas;
  if (done(next) && !(done(previous) && previous?.updateRevision === revision))
    bus.publish({
      ...eventSource(set),
      event: StatefulSetBusEvent.RolloutComplete,
      id: rolloutCompleteId(uid, revision),
      data: { revision },
    });
}
