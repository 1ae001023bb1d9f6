import type { DaemonSet } from "@kruise/api";
import { CONTROLLER_REVISION_HASH_LABEL, DaemonSetKind } from "@kruise/api";
import {
  controllerRef,
  isConflict,
  isNotFound,
  PodKind,
  type ReconcileContext,
  type Requeue,
} from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import {
  applyLifecycleTransition,
  calculateInPlaceUpdate,
  decideDeleteLifecycle,
  hasInPlaceReadinessGate,
  pinToNode,
  randomSafeString,
  MAX_IN_FLIGHT,
  slowStartWindow,
  templateFromRevision,
  updatePodInPlaceByPatch,
  type DaemonStrategy,
} from "@kruise/workload";
import type { DaemonSetDeps } from "./deps.ts";
import { DaemonSetBusEvent, daemonSetEvent } from "./events.ts";
import { revisionHash } from "./revisions.ts";

/** Everything one reconcile's pod writes share. */
export interface PodWriteContext {
  readonly ctx: ReconcileContext;
  readonly deps: DaemonSetDeps;
  readonly ds: DaemonSet;
  readonly key: string;
  /** The current revision's pod template (labels, daemon tolerations, readiness gate), not yet pinned to a node. */
  readonly template: PodTemplateSpec;
  readonly strategy: DaemonStrategy;
  readonly now: number;
  readonly requeue: Requeue;
}

/**
 * Kubernetes' syncNodes with OpenKruise's additions, for one step's decisions: pods the rollout replaces are
 * updated in place when `oldRevisions` is given, the strategy is InPlaceIfPossible and only images (and template
 * labels/annotations) changed; a pod the preDelete hook holds goes to PreparingDelete instead of being deleted;
 * the rest are deleted, and the nodes get new pods. Creates and deletes are each capped at burstReplicas; creates go
 * in slow-start batches (1, 2, 4, …) and stop at the first failing batch.
 *
 * # Guarantees
 * - Every create and delete is registered in the scale expectations before it is sent, and lowered again when it
 *   fails, so the next reconcile acts only once the cache shows them: no second pod for a node, no double delete.
 */
export async function syncNodes(
  w: PodWriteContext,
  podsToReplace: readonly Pod[],
  nodesToCreate: readonly string[],
  oldRevisions: readonly ControllerRevision[] | undefined,
): Promise<void> {
  let toDelete = [...podsToReplace];
  if (oldRevisions !== undefined && w.strategy.rollingUpdateType === "InPlaceIfPossible") {
    toDelete = await updateInPlace(w, toDelete, oldRevisions);
  }
  toDelete = await holdForPreDelete(w, toDelete);
  const deletes = toDelete.slice(0, w.strategy.burstReplicas);
  const creates = nodesToCreate.slice(0, w.strategy.burstReplicas);
  await createPods(w, creates);
  await deletePods(w, deletes);
}

async function createPods(w: PodWriteContext, nodes: readonly string[]): Promise<void> {
  if (nodes.length === 0) return;
  const { ctx, deps, ds, key } = w;
  const dsName = ds.metadata?.name ?? "";
  const pods = nodes.map((node): Pod => {
    const metadata = structuredClone(w.template.metadata ?? {});
    const spec = structuredClone(w.template.spec ?? { containers: [] });
    spec.affinity = pinToNode(spec.affinity, node);
    return {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...metadata,
        // generateName's format, chosen here so the expectation can name the pod before the create returns.
        name: `${dsName}-${randomSafeString(5, deps.random)}`,
        generateName: `${dsName}-`,
        namespace: ds.metadata?.namespace ?? "",
        ownerReferences: [controllerRef(DaemonSetKind, ds)],
      },
      spec,
    };
  });
  deps.expectations.expectCreations(
    key,
    pods.map((p) => p.metadata?.name ?? ""),
  );
  const result = await slowStartWindow(pods.length, MAX_IN_FLIGHT, async (i) => {
    const pod = pods[i] as Pod;
    const name = pod.metadata?.name ?? "";
    try {
      await ctx.client.create(PodKind, pod);
    } catch (err) {
      deps.expectations.creationObserved(key, name);
      if (isNamespaceTerminating(err)) return;
      ctx.recorder.event(ds, "Warning", "FailedCreate", `Error creating: ${messageOf(err)}`);
      throw err;
    }
    ctx.recorder.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${name}`);
    deps.publish?.(
      daemonSetEvent(ds, DaemonSetBusEvent.PodCreated, [name], {
        pod: name,
        node: nodes[i],
        revision: pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL],
      }),
    );
  });
  // Pods of a stopped slow start were never sent: nothing will show them in the cache.
  for (let i = 0; i < pods.length; i++) {
    if (!result.attempted.has(i)) deps.expectations.creationObserved(key, pods[i]?.metadata?.name ?? "");
  }
  if (result.error !== undefined) throw asError(result.error);
}

async function deletePods(w: PodWriteContext, pods: readonly Pod[]): Promise<void> {
  if (pods.length === 0) return;
  const { ctx, deps, ds, key } = w;
  deps.expectations.expectDeletions(
    key,
    pods.map((p) => p.metadata?.name ?? ""),
  );
  const results = await Promise.allSettled(
    pods.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      try {
        // The UID precondition makes a retry after a crash harmless: it never deletes a same-named newcomer.
        await ctx.client.delete(PodKind, name, pod.metadata?.namespace, {
          preconditions: { uid: pod.metadata?.uid ?? "" },
        });
      } catch (err) {
        deps.expectations.deletionObserved(key, name);
        if (isNotFound(err) || isConflict(err)) return;
        ctx.recorder.event(ds, "Warning", "FailedDelete", `Error deleting: ${messageOf(err)}`);
        throw err;
      }
      ctx.recorder.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${name}`);
      deps.publish?.(
        daemonSetEvent(ds, DaemonSetBusEvent.PodDeleted, [pod.metadata?.uid ?? name], {
          pod: name,
          node: pod.spec?.nodeName,
        }),
      );
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

/** OpenKruise's syncWithPreparingDelete: pods the preDelete hook holds are marked PreparingDelete and kept. */
async function holdForPreDelete(w: PodWriteContext, pods: readonly Pod[]): Promise<Pod[]> {
  const lifecycle = w.ds.spec?.lifecycle;
  if (lifecycle?.preDelete === undefined) return [...pods];
  const deletable: Pod[] = [];
  for (const pod of pods) {
    const decision = decideDeleteLifecycle(pod, lifecycle);
    if (decision.action === "delete") {
      deletable.push(pod);
      continue;
    }
    if (decision.action === "wait") continue;
    const result = await applyLifecycleTransition(
      w.ctx.client,
      structuredClone(pod),
      decision.transition,
      w.now,
    );
    if (result.updated) w.deps.podVersions.expect(result.pod);
  }
  return deletable;
}

/**
 * In-place image update for the old pods the rollout chose (OpenKruise's inPlaceUpdatePods): a pod needs the
 * InPlaceUpdateReady gate and a recorded old revision whose template differs from the new one only in images and
 * metadata. Returns the pods that must be recreated instead.
 */
async function updateInPlace(
  w: PodWriteContext,
  pods: readonly Pod[],
  oldRevisions: readonly ControllerRevision[],
): Promise<Pod[]> {
  const { ctx, deps, ds } = w;
  const hash = w.template.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "";
  const toTemplate = ds.spec?.template;
  const recreate: Pod[] = [];
  let budget = w.strategy.burstReplicas;
  for (const pod of pods) {
    const podHash = pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    const from = oldRevisions.find((r) => revisionHash(r) === podHash);
    const diff =
      hasInPlaceReadinessGate(pod) && from !== undefined
        ? calculateInPlaceUpdate(templateFromRevision(from), toTemplate, { revision: hash })
        : undefined;
    if (diff?.inPlace !== true) {
      recreate.push(pod);
      continue;
    }
    if (budget-- <= 0) continue;
    const name = pod.metadata?.name ?? "";
    try {
      const result = await updatePodInPlaceByPatch(ctx.client, pod, diff.spec, {
        now: w.now,
        labels: { [CONTROLLER_REVISION_HASH_LABEL]: hash },
      });
      deps.podVersions.expect(result.pod);
      w.requeue.after(result.requeueAfterMs);
      ctx.recorder.event(
        ds,
        "Normal",
        "SuccessfulUpdatePodInPlace",
        `successfully update pod ${name} in-place`,
      );
      deps.publish?.(
        daemonSetEvent(ds, DaemonSetBusEvent.PodUpdatedInPlace, [pod.metadata?.uid ?? name, hash], {
          pod: name,
          revision: hash,
          images: diff.spec.containerImages,
        }),
      );
    } catch (err) {
      if (isNotFound(err)) continue;
      ctx.recorder.event(
        ds,
        "Warning",
        "FailedUpdatePodInPlace",
        `failed to update pod ${name} in-place(revision ${hash}): ${messageOf(err)}`,
      );
      throw err;
    }
  }
  return recreate;
}

function isNamespaceTerminating(err: unknown): boolean {
  const causes = (err as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? [];
  return causes.some((c) => c.reason === "NamespaceTerminating");
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(messageOf(err));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : JSON.stringify(err);
}
