import type { CloneSet, CloneSetStatus } from "@kruise/api";
import { CloneSetConditionType, CloneSetKind, LifecycleState } from "@kruise/api";
import type { ReconcileResult, Request } from "@kruise/sdk";
import {
  ConflictError,
  ControllerRevisionKind,
  NotFoundError,
  PersistentVolumeClaimKind,
  PodKind,
} from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import {
  calculateInPlaceUpdate,
  getLifecycleState,
  isPodActive,
  isPodAtRevision,
  partitionReplicas,
  planScale,
  planUpdate,
  prunePodsToDelete,
  requeueAfterForAvailability,
  resolveStrategy,
  revisionsToTruncate,
  templateFromRevision,
} from "@kruise/workload";
import type { CloneSetDeps } from "./deps.ts";
import {
  cloneSetEventSource,
  CloneSetEvent,
  imagePredownloadRequestedId,
  type ImagePredownloadRequest,
} from "./events.ts";
import { refreshPods } from "./pod-refresh.ts";
import { progressingCondition } from "./progress.ts";
import { instanceIdOf, planOrphanPvcs, pvcsOfInstance } from "./pvc.ts";
import { podsToRelease, releasePods } from "./release.ts";
import { syncRevisions, type RevisionState } from "./revisions.ts";
import { executeScale, type ScaleContext } from "./scale-executor.ts";
import { calculateStatus, removeCondition, setCondition } from "./status.ts";
import { writeStatus } from "./status-writer.ts";
import { cloneSetParams, type CloneSetParams } from "./strategy.ts";
import { executeUpdate } from "./update-executor.ts";

/** How long to look again while our own writes are not in the cache yet (events normally come sooner). */
const CACHE_LAG_REQUEUE_MS = 2_000;

/**
 * One CloneSet reconcile, level-triggered: read the CloneSet, its pods, PVCs and revisions from the cache; wait
 * while the cache lags our own writes (expectations); then refresh pods in flight, take at most one scaling step
 * or, when scaling has nothing to do, one update wave; and write status if it changed.
 */
export function createCloneSetReconciler(
  deps: CloneSetDeps,
): (request: Request) => Promise<ReconcileResult | void> {
  return (request) => reconcileCloneSet(deps, request);
}

export async function reconcileCloneSet(
  deps: CloneSetDeps,
  request: Request,
): Promise<ReconcileResult | void> {
  const key = `${request.namespace}/${request.name}`;
  const cached = deps.cache.get(CloneSetKind, request.namespace, request.name);
  if (cached === undefined) {
    deps.scaleExpectations.delete(key);
    return;
  }
  // Cached objects are frozen and shared; everything below only reads them (writes go through copies).
  const cs = cached as CloneSet;
  if (cs.metadata?.deletionTimestamp !== undefined) return;
  if (!deps.scaleExpectations.satisfied(key)) {
    deps.log.debug(
      { outstanding: deps.scaleExpectations.outstanding(key) },
      "waiting for the cache to show our creates and deletes",
    );
    return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  }
  const uid = cs.metadata?.uid ?? "";
  const owned = { namespace: request.namespace, controllerUID: uid };
  const allPods = deps.cache.list(PodKind, owned) as Pod[];
  if (allPods.some((p) => !deps.podVersions.satisfied(p))) return { requeueAfter: CACHE_LAG_REQUEUE_MS };
  // Kubernetes' ClaimPods: a pod relabelled out of the selector is released and no longer counts as ours, so this
  // same reconcile scales up a replacement. Level-triggered: after a crash the cache still shows it, and we retry.
  const released = new Set(
    podsToRelease(cs.spec?.selector, uid, allPods.filter(isPodActive)).map((p) => p.metadata?.uid),
  );
  if (released.size > 0) {
    await releasePods(
      deps,
      cs,
      allPods.filter((p) => released.has(p.metadata?.uid)),
    );
  }
  const ownedPods = allPods.filter((p) => !released.has(p.metadata?.uid));
  const pods = ownedPods.filter(isPodActive);
  const pvcs = deps.cache.list(PersistentVolumeClaimKind, owned) as PersistentVolumeClaim[];
  const history = deps.cache.list(ControllerRevisionKind, owned) as ControllerRevision[];

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
      failedCondition(CloneSetConditionType.FailedUpdate, message, deps.clock.now()),
    );
    await writeStatus(
      deps,
      cs,
      { ...(cs.status ?? {}), observedGeneration: cs.metadata?.generation ?? 0, conditions },
      params.replicas,
    );
    return;
  }

  const revisions = await syncRevisions(deps.client, cs, history);
  const updateName = revisions.updateRevision.metadata?.name ?? "";
  const currentName = revisions.currentRevision.metadata?.name ?? "";
  const now = deps.clock.now();
  const requeues: Array<number | undefined> = [];

  const refreshed = await refreshPods(deps, pods, params.lifecycle, updateName);
  requeues.push(refreshed.requeueAfterMs);

  await prunePodsToDeleteList(deps, cs, ownedPods);

  // Released pods still count here: their PVCs stay while they run (the claims remain ours).
  const pvcPlan = planOrphanPvcs(pvcs, allPods, params.scale.enablePVCReuse === true);
  await deleteOrphanPvcs(deps, pvcPlan.toDelete);

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
            isPodAtRevision(p, rev) || getLifecycleState(p) === LifecycleState.PreparingUpdate,
        }
      : {}),
  };
  let scaled = false;
  let scaleFailed = false;
  try {
    const scalePlan = planScale({
      ...diffsInput,
      ...(params.lifecycle !== undefined ? { lifecycle: params.lifecycle } : {}),
    });
    const ctx: ScaleContext = {
      key,
      cloneSet: cs,
      pods,
      pvcs,
      reusableIds: pvcPlan.reusableIds,
      terminatingWithPvcs:
        params.scale.enablePVCReuse === true
          ? allPods.filter((p) => !isPodActive(p) && pvcsOfInstance(pvcs, instanceIdOf(p)).length > 0).length
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
    deps.log.debug(
      { step: scalePlan.step.kind, diffs: scalePlan.diffs, current: currentName, update: updateName },
      "scale plan",
    );
    scaled = await executeScale(deps, ctx, scalePlan);
    conditions = removeCondition(conditions, CloneSetConditionType.FailedScale);
  } catch (err) {
    if (err instanceof ConflictError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    conditions = setCondition(conditions, failedCondition(CloneSetConditionType.FailedScale, message, now));
    scaled = true;
    scaleFailed = true;
  }

  if (!scaled) {
    const candidates = pods.filter((p) => !refreshed.written.has(p.metadata?.name ?? ""));
    const updatePlan = planUpdate({ ...diffsInput, pods: candidates });
    const outcome = await executeUpdate(deps, cs, params, revisions.history, updatePlan);
    requeues.push(outcome.requeueAfterMs);
    conditions =
      outcome.errors.length > 0
        ? setCondition(
            conditions,
            failedCondition(CloneSetConditionType.FailedUpdate, outcome.errors.join("; "), now),
          )
        : removeCondition(conditions, CloneSetConditionType.FailedUpdate);
  }

  await truncateHistory(deps, revisions, ownedPods, params);
  if (revisions.changed !== undefined) publishImagePredownload(deps, cs, params, revisions);

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
  requeues.push(progress.requeueAfterMs);
  const next: CloneSetStatus = { ...status };
  if (conditions !== undefined && conditions.length > 0) next.conditions = conditions;
  else delete next.conditions;
  await writeStatus(deps, cs, next, params.replicas);

  // A failed scale step is retried with this key's backoff (5 ms doubling to 1000 s): never a tight loop, and
  // never stuck when the cause goes away with nothing else touching the CloneSet.
  if (scaleFailed) return { requeue: true };
  requeues.push(requeueAfterForAvailability(pods, params.minReadySeconds, now));
  const due = requeues.filter((r): r is number => r !== undefined && Number.isFinite(r));
  return due.length > 0 ? { requeueAfter: Math.max(Math.min(...due), 1) } : undefined;
}

function failedCondition(
  type: string,
  message: string,
  now: number,
): NonNullable<CloneSetStatus["conditions"]>[number] {
  const at = new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
  return { type, status: "True", message, lastTransitionTime: at, lastUpdateTime: at };
}

/** OpenKruise removes podsToDelete entries naming pods that no longer exist. */
async function prunePodsToDeleteList(
  deps: CloneSetDeps,
  cs: CloneSet,
  allPods: readonly Pod[],
): Promise<void> {
  const kept = prunePodsToDelete(cs.spec?.scaleStrategy?.podsToDelete, allPods);
  if (kept === undefined) return;
  try {
    await deps.client.patch(CloneSetKind, cs.metadata?.name ?? "", cs.metadata?.namespace, "merge", {
      metadata: { resourceVersion: cs.metadata?.resourceVersion },
      spec: { scaleStrategy: { podsToDelete: kept.length > 0 ? kept : null } },
    });
  } catch (err) {
    // A concurrent spec change wins; the next reconcile prunes again.
    if (!(err instanceof ConflictError)) throw err;
  }
}

async function deleteOrphanPvcs(deps: CloneSetDeps, pvcs: readonly PersistentVolumeClaim[]): Promise<void> {
  for (const pvc of pvcs) {
    try {
      await deps.client.delete(PersistentVolumeClaimKind, pvc.metadata?.name ?? "", pvc.metadata?.namespace, {
        preconditions: { uid: pvc.metadata?.uid ?? "" },
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}

async function truncateHistory(
  deps: CloneSetDeps,
  revisions: RevisionState,
  pods: readonly Pod[],
  params: CloneSetParams,
): Promise<void> {
  const doomed = revisionsToTruncate({
    history: revisions.history,
    currentRevision: revisions.currentRevision.metadata?.name ?? "",
    updateRevision: revisions.updateRevision.metadata?.name ?? "",
    pods,
    revisionHistoryLimit: params.revisionHistoryLimit,
  });
  for (const r of doomed) {
    try {
      await deps.client.delete(ControllerRevisionKind, r.metadata?.name ?? "", r.metadata?.namespace, {
        preconditions: { uid: r.metadata?.uid ?? "" },
      });
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
}

/**
 * A new revision that can roll out in place but stops at a partition leaves pods on the old images: ask the
 * ImagePullJob controller (over NATS) to pull the new images on their nodes ahead of time.
 */
function publishImagePredownload(
  deps: CloneSetDeps,
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
    event: CloneSetEvent.ImagePredownloadRequested,
    id: imagePredownloadRequestedId(cs.metadata?.uid ?? "", revision),
    data,
  });
}
