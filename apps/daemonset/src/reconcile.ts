import type { DaemonSet, DaemonSetStatus } from "@kruise/api";
import { DaemonSetKind } from "@kruise/api";
import {
  CACHE_LAG_REQUEUE_MS,
  cachedOwner,
  ControllerRevisionKind,
  NodeKind,
  patchStatusIfChanged,
  PodKind,
  Requeue,
  TerminalError,
  type Reconciler,
} from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import {
  countDaemonStatus,
  daemonAllowsSurge,
  daemonNodeFit,
  daemonPodTemplate,
  daemonTemplateGeneration,
  groupDaemonPodsByNode,
  IntOrStringError,
  isDaemonPodUpdated,
  planPlacement,
  planRollout,
  podsToRelease,
  releasePods,
  resolveDaemonStrategy,
  truncateHistory,
  type DaemonStrategy,
  type NodeFit,
} from "@kruise/workload";
import type { DaemonSetDeps } from "./deps.ts";
import { DaemonSetBusEvent, daemonSetEvent } from "./events.ts";
import { refreshInPlaceStates } from "./inplace.ts";
import { requestImagePredownload } from "./predownload.ts";
import { syncNodes, type PodWriteContext } from "./pod-writes.ts";
import { daemonHistory, syncDaemonRevisions } from "./revisions.ts";

/**
 * One DaemonSet reconcile, level-triggered (Kubernetes' syncDaemonSet with OpenKruise's additions): record the
 * revision, then — once the cache shows our earlier writes — place pods (create where missing, delete where they
 * must not be), finish in-place updates, take one rollout step unless paused, prune history, write status.
 */
export const reconcileDaemonSet: Reconciler<DaemonSetDeps> = async (request, ctx, deps) => {
  const key = `${request.namespace}/${request.name}`;
  const ds = cachedOwner(ctx, DaemonSetKind, request, deps.expectations) as DaemonSet | undefined;
  if (ds === undefined || ds.metadata?.deletionTimestamp !== undefined) return;
  const selector = ds.spec?.selector;
  if (Object.keys(selector?.matchLabels ?? {}).length + (selector?.matchExpressions ?? []).length === 0) {
    ctx.recorder.event(
      ds,
      "Warning",
      "SelectingAll",
      "This DaemonSet is selecting all pods. A non-empty selector is required.",
    );
    return;
  }
  const uid = ds.metadata?.uid ?? "";
  const owned = { namespace: request.namespace, controllerUID: uid };
  // Kubernetes' ClaimPods: a pod relabelled out of the selector is released (no longer ours). Its new
  // resourceVersion is expected, so this reconcile waits for the cache, and the next one places a pod there again.
  const strays = podsToRelease(
    selector,
    uid,
    (ctx.cache.list(PodKind, owned) as Pod[]).filter((p) => p.metadata?.deletionTimestamp === undefined),
  );
  if (strays.length > 0)
    await releasePods(
      {
        client: ctx.client,
        recorder: ctx.recorder,
        clock: ctx.clock,
        log: ctx.log,
        podVersions: deps.podVersions,
      },
      ds,
      strays,
    );
  const nodes = ctx.cache.list(NodeKind) as Node[];
  const history = ctx.cache.list(ControllerRevisionKind, owned) as ControllerRevision[];
  const revisions = await syncDaemonRevisions(ctx.client, ds, history);
  const hash = revisions.hash;
  const generation = daemonTemplateGeneration(ds.metadata?.annotations);
  const isUpdated = (pod: Pod): boolean => isDaemonPodUpdated(pod, hash, generation);
  const now = ctx.clock.now();

  let strategy: DaemonStrategy;
  const template = daemonPodTemplate({
    template: ds.spec?.template ?? {},
    hash,
    templateGeneration: generation ?? String(ds.metadata?.generation ?? 1),
    inPlaceReadinessGate: ds.spec?.updateStrategy?.rollingUpdate?.rollingUpdateType === "InPlaceIfPossible",
  });
  const fits: NodeFit[] = nodes.map((node) => daemonNodeFit(template.spec ?? { containers: [] }, node));
  const desired = fits.filter((f) => f.shouldRun).length;
  try {
    strategy = resolveDaemonStrategy(ds, desired);
  } catch (err) {
    // Only objects stored before a validation rule existed get here: report, do not retry in a loop.
    if (err instanceof IntOrStringError) {
      ctx.recorder.event(ds, "Warning", "InvalidStrategy", err.message);
      throw new TerminalError(err.message);
    }
    throw err;
  }

  const requeue = new Requeue();
  let pods = ctx.cache.list(PodKind, owned) as Pod[];
  requestImagePredownload(deps, ds, strategy, hash, revisions.old, pods);
  const settled = deps.expectations.satisfied(key) && pods.every((p) => deps.podVersions.satisfied(p));
  const writeCtx: PodWriteContext = { ctx, deps, ds, key, template, strategy, now, requeue };

  if (settled) {
    // Placement: one pod on every node that should run it, none elsewhere.
    const placement = planPlacement({
      nodes: fits,
      podsByNode: groupDaemonPodsByNode(pods),
      isUpdated,
      allowSurge: daemonAllowsSurge(ds),
      minReadySeconds: strategy.minReadySeconds,
      now,
      failedPodBackoffMs: (node) => deps.backoff.remaining(backoffKey(ds, node), now),
      partitionedScaling:
        strategy.type === "RollingUpdate" && strategy.partitionedScaling
          ? { partition: strategy.partition }
          : undefined,
    });
    if (placement.requeueAfterMs !== undefined) requeue.after(placement.requeueAfterMs);
    for (const failed of placement.failedPods) {
      deps.backoff.next(backoffKey(ds, failed.node), now);
      ctx.recorder.event(
        ds,
        "Warning",
        "FailedDaemonPod",
        `Found failed daemon pod ${request.namespace}/${failed.pod.metadata?.name ?? ""} on node ${failed.node}, will try to kill it`,
      );
    }
    await syncNodes(writeCtx, placement.podsToDelete, placement.nodesNeedingPods, []);

    pods = ctx.cache.list(PodKind, owned) as Pod[];
    if (deps.expectations.satisfied(key) && pods.every((p) => deps.podVersions.satisfied(p))) {
      const refreshed = await refreshInPlaceStates(writeCtx, pods);
      if (!refreshed && !strategy.paused && strategy.type === "RollingUpdate") {
        const rollout = planRollout({
          nodes: nodes.map((n, i) => ({
            name: n.metadata?.name ?? "",
            labels: n.metadata?.labels,
            shouldRun: fits[i]?.shouldRun ?? false,
          })),
          podsByNode: groupDaemonPodsByNode(pods),
          isUpdated,
          maxSurge: strategy.maxSurge,
          maxUnavailable: strategy.maxUnavailable,
          partition: strategy.partition,
          selector: strategy.selector,
          minReadySeconds: strategy.minReadySeconds,
          now,
        });
        await syncNodes(writeCtx, rollout.oldPodsToReplace, rollout.nodesToSurge, revisions.old);
      }
      await truncateHistory(ctx.client, daemonHistory(ds, revisions, pods));
    } else {
      requeue.after(CACHE_LAG_REQUEUE_MS);
    }
  } else {
    requeue.after(CACHE_LAG_REQUEUE_MS);
  }

  // Status from the cache as it stands: our writes of this reconcile show up in the next one.
  const current = ctx.cache.list(PodKind, owned) as Pod[];
  const counts = countDaemonStatus({
    nodes: fits,
    podsByNode: groupDaemonPodsByNode(current),
    isUpdated,
    minReadySeconds: strategy.minReadySeconds,
    now,
  });
  if (counts.requeueAfterMs !== undefined) requeue.after(counts.requeueAfterMs);
  const { requeueAfterMs: _ignored, ...numbers } = counts;
  const status: DaemonSetStatus = {
    ...(ds.status ?? {}),
    ...numbers,
    observedGeneration: settled ? (ds.metadata?.generation ?? 0) : (ds.status?.observedGeneration ?? 0),
    collisionCount: revisions.collisionCount,
    daemonSetHash: hash,
    updateRevision: hash,
  };
  if (status.collisionCount === 0 && ds.status?.collisionCount === undefined) delete status.collisionCount;
  const wrote = await patchStatusIfChanged(ctx.client, DaemonSetKind, ds, status);
  if (wrote) publishProgress(deps, ds, hash, numbers);
  return requeue.result();
};

/** Kubernetes keys failed-pod backoff by DaemonSet UID, observed generation and node. */
function backoffKey(ds: DaemonSet, node: string): string {
  return `${ds.metadata?.uid ?? ""}/${ds.status?.observedGeneration ?? 0}/${node}`;
}

/** Rollout progress and completion on the bus, after the status write that records them. */
function publishProgress(
  deps: DaemonSetDeps,
  ds: DaemonSet,
  hash: string,
  counts: Omit<ReturnType<typeof countDaemonStatus>, "requeueAfterMs">,
): void {
  if (deps.publish === undefined) return;
  const before = ds.status;
  const data = { revision: hash, ...counts };
  if (before?.updatedNumberScheduled !== counts.updatedNumberScheduled || before.daemonSetHash !== hash) {
    deps.publish(
      daemonSetEvent(ds, DaemonSetBusEvent.RolloutProgress, [hash, counts.updatedNumberScheduled], data),
    );
  }
  const complete = (s: Partial<typeof counts> | undefined): boolean =>
    s !== undefined &&
    s.updatedNumberScheduled === s.desiredNumberScheduled &&
    s.numberAvailable === s.desiredNumberScheduled &&
    (s.numberMisscheduled ?? 0) === 0;
  if (complete(counts) && !(complete(before) && before?.daemonSetHash === hash)) {
    deps.publish(
      daemonSetEvent(ds, DaemonSetBusEvent.RolloutComplete, [hash, counts.desiredNumberScheduled], data),
    );
  }
}
