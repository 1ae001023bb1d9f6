import type { CloneSet, CloneSetStatus } from "@kruise/api";
import { CloneSetConditionType, CloneSetKind, LifecycleState } from "@kruise/api";
import type { ReconcileContext, Reconciler } from "@kruise/sdk";
import {
  CACHE_LAG_REQUEUE_MS,
  cachedOwner,
  ControllerRevisionKind,
  ignoreNotFound,
  isConflict,
  NodeKind,
  PersistentVolumeClaimKind,
  PodKind,
  Requeue,
  TerminalError,
  waitForScaleExpectations,
} from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Node, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import {
  calculateInPlaceUpdate,
  executeUpdate,
  failureCondition,
  fullNameRevisionAdapter,
  getLifecycleState,
  isPodActive,
  nodeLabelMap,
  partitionReplicas,
  planScale,
  planUpdate,
  podsToRelease,
  prunePodsToDelete,
  refreshPods,
  releasePods,
  removeCondition,
  requeueAfterForAvailability,
  resolveStrategy,
  setCondition,
  shortHashRevisionAdapter,
  syncRevisions,
  templateFromRevision,
  truncateHistory,
  workloadHistory,
  type RevisionState,
  type ScalePlanInput,
  type WorkloadStep,
  claimsOfPod,
  claimTemplatesUnchanged,
  handOverClaimToPod,
  planOrphanClaims,
} from "@kruise/workload";
import type { CloneSetDeps, CloneSetRun } from "./deps.ts";
import {
  cloneSetEventSource,
  CloneSetBusEvent,
  imagePredownloadRequestedId,
  podUpdatedInPlaceId,
  type ImagePredownloadRequest,
} from "./events.ts";
import { progressingCondition } from "./progress.ts";
import { cloneSetRevisionSource } from "./pod-factory.ts";
import { executeScale, ScaleStepError, type ScaleContext } from "./scale-executor.ts";
import { calculateStatus } from "./status.ts";
import { writeStatus } from "./status-writer.ts";
import { cloneSetParams, type CloneSetParams } from "./strategy.ts";

/**
 * One CloneSet reconcile, level-triggered: read the CloneSet, its pods, PVCs and revisions from the cache; wait
 * while the cache lags our own writes (expectations); then refresh pods in flight, take at most one scaling step
 * or, when scaling has nothing to do, one update wave; and write status if it changed. Logs go through the
 * context's logger (controller, namespace, name, reconcileID).
 */
export const reconcileCloneSet: Reconciler<CloneSetDeps> = async (request, ctx, deps) => {
  const key = `${request.namespace}/${request.name}`;
  // Cached objects are frozen and shared; everything below only reads them (writes go through copies).
  const cs = cachedOwner(ctx, CloneSetKind, request, deps.scaleExpectations) as CloneSet | undefined;
  if (cs === undefined || cs.metadata?.deletionTimestamp !== undefined) return;
  const run = cloneSetRun(ctx, deps, cs);
  const lag = waitForScaleExpectations(ctx, deps.scaleExpectations, key);
  if (lag !== undefined) return lag;
  const uid = cs.metadata?.uid ?? "";
  const owned = { namespace: request.namespace, controllerUID: uid };
  const allPods = ctx.cache.list(PodKind, owned) as Pod[];
  if (allPods.some((p) => !deps.podVersions.satisfied(p))) return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  // Kubernetes' ClaimPods: a pod relabelled out of the selector is released and no longer counts as ours, so this
  // same reconcile scales up a replacement. Level-triggered: after a crash the cache still shows it, and we retry.
  const released = new Set(
    podsToRelease(cs.spec?.selector, uid, allPods.filter(isPodActive)).map((p) => p.metadata?.uid),
  );
  if (released.size > 0) {
    await releasePods(
      run,
      cs,
      allPods.filter((p) => released.has(p.metadata?.uid)),
    );
  }
  const ownedPods = allPods.filter((p) => !released.has(p.metadata?.uid));
  const pods = ownedPods.filter(isPodActive);
  const pvcs = ctx.cache.list(PersistentVolumeClaimKind, owned) as PersistentVolumeClaim[];
  const history = ctx.cache.list(ControllerRevisionKind, owned) as ControllerRevision[];

  const params = cloneSetParams(cs, {
    excludePreparingDeleteByDefault: deps.excludePreparingDeleteByDefault === true,
  });
  let conditions = cs.status?.conditions;
  try {
    resolveStrategy(params.replicas, params.update, params.scale);
  } catch (err) {
    // Bad strategy values can only come from objects stored before validation: report, don't loop.
    const message = err instanceof Error ? err.message : String(err);
    conditions = setCondition(
      conditions,
      failureCondition(CloneSetConditionType.FailedUpdate, message, ctx.clock.now()),
    );
    await writeStatus(
      run,
      cs,
      { ...(cs.status ?? {}), observedGeneration: cs.metadata?.generation ?? 0, conditions },
      params.replicas,
    );
    throw new TerminalError(`CloneSet ${key}: ${message}`, { cause: err });
  }

  const revisions = await syncRevisions(ctx.client, cloneSetRevisionSource(cs), history);
  const updateName = revisions.updateRevision.metadata?.name ?? "";
  const currentName = revisions.currentRevision.metadata?.name ?? "";
  const now = ctx.clock.now();
  const requeue = new Requeue();

  const refreshed = await refreshPods(run, pods, {
    lifecycle: params.lifecycle,
    updateRevision: updateName,
    adapter: run.adapter,
  });
  requeue.after(refreshed.requeueAfterMs);

  await prunePodsToDeleteList(ctx, cs, ownedPods);

  // Released pods still count here: their PVCs stay while they run (the claims remain ours).
  const pvcPlan = planOrphanClaims(pvcs, allPods, params.scale.enablePVCReuse === true);
  await deleteOrphanPvcs(ctx, deps, key, pvcPlan.toDelete);
  for (const { claim, pod } of pvcPlan.toHandOver) await handOverClaimToPod(run, cs, claim, pod);

  // Scale first; update only when scaling has nothing to do (never both in one reconcile).
  const diffsInput = {
    replicas: params.replicas,
    pods,
    currentRevision: currentName,
    updateRevision: updateName,
    updateStrategy: params.update,
    scaleStrategy: params.scale,
    minReadySeconds: params.minReadySeconds,
    now,
    partitionRollback: deps.gates.CloneSetPartitionRollback,
    ...(deps.gates.PreparingUpdateAsUpdate
      ? {
          isPodUpdated: (p: Pod, rev: string) =>
            run.adapter.isPodAt(p, rev) || getLifecycleState(p) === LifecycleState.PreparingUpdate,
        }
      : {}),
  };
  let scaled = false;
  let scaleFailed = false;
  try {
    const spread = spreadOf(ctx, cs, pods);
    const scalePlan = planScale({
      ...diffsInput,
      ...(params.lifecycle !== undefined ? { lifecycle: params.lifecycle } : {}),
      ...(spread !== undefined ? { spread } : {}),
    });
    const scaleCtx: ScaleContext = {
      key,
      cloneSet: cs,
      pods,
      pvcs,
      reusableIds: pvcPlan.reusableIds,
      terminatingWithPvcs:
        params.scale.enablePVCReuse === true
          ? allPods.filter(
              (p) => p.metadata?.deletionTimestamp !== undefined && claimsOfPod(p, pvcs).length > 0,
            ).length
          : 0,
      currentRevision: {
        name: currentName,
        template: templateFromRevision(revisions.currentRevision) ?? structuredClone(cs.spec?.template ?? {}),
      },
      updateRevision: {
        name: updateName,
        template: templateFromRevision(revisions.updateRevision) ?? structuredClone(cs.spec?.template ?? {}),
      },
    };
    ctx.log.debug(
      { step: scalePlan.step.kind, diffs: scalePlan.diffs, current: currentName, update: updateName },
      "scale plan",
    );
    scaled = await executeScale(run, scaleCtx, scalePlan);
    conditions = removeCondition(conditions, CloneSetConditionType.FailedScale);
  } catch (err) {
    if (isConflict(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    conditions = setCondition(conditions, failureCondition(CloneSetConditionType.FailedScale, message, now));
    // As OpenKruise: a step that wrote nothing (a full quota, a refusing webhook) does not hold the update wave.
    scaled = err instanceof ScaleStepError && err.progressed;
    scaleFailed = true;
  }

  if (!scaled) {
    const candidates = pods.filter((p) => !refreshed.written.has(p.metadata?.name ?? ""));
    const updatePlan = planUpdate({ ...diffsInput, pods: candidates });
    const outcome = await executeUpdate(run, {
      owner: cs,
      policy: params.update.podUpdatePolicy ?? "ReCreate",
      gracePeriodSeconds: params.update.inPlaceUpdateStrategy?.gracePeriodSeconds,
      verticalScaling: deps.gates.InPlaceWorkloadVerticalScaling,
      envFromMetadata: deps.gates.InPlaceUpdateEnvFromMetadata,
      lifecycle: params.lifecycle,
      adapter: run.adapter,
      history: revisions.history,
      plan: updatePlan,
      recreateWhenClaimTemplatesChange: deps.gates.RecreatePodWhenChangeVCTInCloneSetGate,
    });
    requeue.after(outcome.requeueAfterMs);
    conditions =
      outcome.errors.length > 0
        ? setCondition(
            conditions,
            failureCondition(CloneSetConditionType.FailedUpdate, outcome.errors.join("; "), now),
          )
        : removeCondition(conditions, CloneSetConditionType.FailedUpdate);
  }

  await truncateHistory(ctx.client, workloadHistory(revisions, ownedPods, params.revisionHistoryLimit));
  if (revisions.changed !== undefined) publishImagePredownload(run, cs, params, revisions);

  const status = calculateStatus({
    cloneSet: cs,
    params,
    pods,
    updateRevision: updateName,
    currentRevision: currentName,
    collisionCount: revisions.collisionCount,
    now,
  });
  const progress = progressingCondition({
    previous: cs.status,
    next: status,
    specReplicas: params.replicas,
    paused: params.update.paused === true,
    progressDeadlineSeconds: params.progressDeadlineSeconds,
    now,
  });
  conditions =
    progress.condition === undefined
      ? removeCondition(conditions, CloneSetConditionType.Progressing)
      : setCondition(conditions, progress.condition);
  requeue.after(progress.requeueAfterMs);
  const next: CloneSetStatus = { ...status };
  if (conditions !== undefined && conditions.length > 0) next.conditions = conditions;
  else delete next.conditions;
  await writeStatus(run, cs, next, params.replicas);

  // A failed scale step is retried with this key's backoff (5 ms doubling to 1000 s): never a tight loop, and
  // never stuck when the cause goes away with nothing else touching the CloneSet.
  if (scaleFailed) return { requeue: true };
  requeue.after(requeueAfterForAvailability(pods, params.minReadySeconds, now));
  return requeue.result();
};

/**
 * The template's topologySpreadConstraints keys and the labels of the nodes the pods run on: scale-down then
 * empties the most crowded domain first, as OpenKruise's spread-constraints ranker does (undefined without
 * constraints: pods sharing a node rank first).
 */
function spreadOf(ctx: ReconcileContext, cs: CloneSet, pods: readonly Pod[]): ScalePlanInput["spread"] {
  const constraints = cs.spec?.template?.spec?.topologySpreadConstraints ?? [];
  if (constraints.length === 0) return undefined;
  const nodes: Node[] = [];
  for (const name of new Set(pods.map((p) => p.spec?.nodeName ?? ""))) {
    const node = name === "" ? undefined : ctx.cache.get(NodeKind, undefined, name);
    if (node !== undefined) nodes.push(node as Node);
  }
  return { topologyKeys: constraints.map((c) => c.topologyKey), nodeLabels: nodeLabelMap(nodes) };
}

/** The kit's deps for this reconcile: the context's client, recorder, clock and logger, with CloneSet's own. */
function cloneSetRun(ctx: ReconcileContext, deps: CloneSetDeps, cs: CloneSet): CloneSetRun {
  return {
    client: ctx.client,
    recorder: ctx.recorder,
    clock: ctx.clock,
    log: ctx.log,
    cache: ctx.cache,
    podVersions: deps.podVersions,
    scaleExpectations: deps.scaleExpectations,
    bus: deps.bus,
    gates: deps.gates,
    adapter: deps.gates.CloneSetShortHash ? shortHashRevisionAdapter : fullNameRevisionAdapter,
    onStep: (step) => publishStep(deps, cs, step),
  };
}

/** The kit's steps as CloneSet bus events (ids stay those of earlier releases). */
function publishStep(deps: CloneSetDeps, cs: CloneSet, step: WorkloadStep): void {
  if (deps.bus === undefined || step.type !== "pod-updated-in-place") return;
  deps.bus.publish({
    ...cloneSetEventSource(cs),
    event: CloneSetBusEvent.PodUpdatedInPlace,
    id: podUpdatedInPlaceId(step.podUid, step.revision),
    data: { pod: step.pod, revision: step.revision, images: step.images },
  });
}

/** OpenKruise removes podsToDelete entries naming pods that no longer exist. */
async function prunePodsToDeleteList(
  ctx: ReconcileContext,
  cs: CloneSet,
  allPods: readonly Pod[],
): Promise<void> {
  const kept = prunePodsToDelete(cs.spec?.scaleStrategy?.podsToDelete, allPods);
  if (kept === undefined) return;
  try {
    await ctx.client.patch(CloneSetKind, cs.metadata?.name ?? "", cs.metadata?.namespace, "merge", {
      metadata: { resourceVersion: cs.metadata?.resourceVersion },
      spec: { scaleStrategy: { podsToDelete: kept.length > 0 ? kept : null } },
    });
  } catch (err) {
    // A concurrent spec change wins; the next reconcile prunes again.
    if (!isConflict(err)) throw err;
  }
}

async function deleteOrphanPvcs(
  ctx: ReconcileContext,
  deps: CloneSetDeps,
  key: string,
  pvcs: readonly PersistentVolumeClaim[],
): Promise<void> {
  for (const pvc of pvcs) {
    const name = pvc.metadata?.name ?? "";
    deps.scaleExpectations.expectDeletions(key, [name]);
    await ctx.client
      .delete(PersistentVolumeClaimKind, name, pvc.metadata?.namespace, {
        preconditions: { uid: pvc.metadata?.uid ?? "" },
      })
      .catch((err: unknown) => {
        deps.scaleExpectations.deletionObserved(key, name);
        return ignoreNotFound(err);
      });
  }
}

/**
 * A new revision that can roll out in place but stops at a partition leaves pods on the old images: ask the
 * ImagePullJob controller (over NATS) to pull the new images on their nodes ahead of time.
 */
function publishImagePredownload(
  deps: CloneSetRun,
  cs: CloneSet,
  params: CloneSetParams,
  revisions: RevisionState,
): void {
  if (deps.bus === undefined || !deps.gates.PreDownloadImageForInPlaceUpdate) return;
  const policy = params.update.podUpdatePolicy;
  if (policy !== "InPlaceIfPossible" && policy !== "InPlaceOnly") return;
  let partition = 0;
  try {
    partition = partitionReplicas(params.update.partition, params.replicas);
  } catch {
    return;
  }
  if (partition <= 0 || revisions.currentRevision === revisions.updateRevision) return;
  // Such pods will be recreated, not updated in place: nothing to pull ahead (OpenKruise's CanUpdateInPlace).
  if (
    deps.gates.RecreatePodWhenChangeVCTInCloneSetGate &&
    !claimTemplatesUnchanged(revisions.currentRevision, revisions.updateRevision)
  )
    return;
  const revision = revisions.updateRevision.metadata?.name ?? "";
  const diff = calculateInPlaceUpdate(
    templateFromRevision(revisions.currentRevision),
    templateFromRevision(revisions.updateRevision),
    { revision },
  );
  if (!diff.inPlace || Object.keys(diff.spec.containerImages).length === 0) return;
  const data: ImagePredownloadRequest = {
    revision,
    images: diff.spec.containerImages,
    podSelector: {
      matchLabels: { ...(cs.spec?.selector.matchLabels ?? {}) },
      matchExpressions: [{ key: "controller-revision-hash", operator: "NotIn", values: [revision] }],
    },
    partition,
  };
  deps.bus.publish({
    ...cloneSetEventSource(cs),
    event: CloneSetBusEvent.ImagePredownloadRequested,
    id: imagePredownloadRequestedId(cs.metadata?.uid ?? "", revision),
    data,
  });
}
