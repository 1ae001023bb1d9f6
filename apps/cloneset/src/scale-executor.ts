import type { CloneSet } from "@kruise/api";
import { LifecycleState } from "@kruise/api";
import {
  AlreadyExistsError,
  ConflictError,
  NotFoundError,
  PersistentVolumeClaimKind,
  PodKind,
} from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import {
  applyLifecycleTransition,
  generateInstanceId,
  MAX_IN_FLIGHT,
  settleWithLimit,
  slowStartWindow,
  type ScalePlan,
  claimsOfPod,
  instanceIdOf,
} from "@kruise/workload";
import type { CloneSetRun } from "./deps.ts";
import { MAX_CREATES_PER_RECONCILE } from "./limits.ts";
import { cloneSetEventSource, CloneSetBusEvent, podCreatedId, podDeletedId } from "./events.ts";
import { instanceClaims, newPod } from "./pod-factory.ts";

export interface ScaleContext {
  readonly key: string;
  readonly cloneSet: CloneSet;
  readonly pods: readonly Pod[];
  readonly pvcs: readonly PersistentVolumeClaim[];
  /** Instance ids of orphan PVCs to hand to new pods first (PVC reuse). */
  readonly reusableIds: readonly string[];
  /**
   * Terminating pods whose PVCs a replacement will take over (PVC reuse): the replacement has the same name, so it
   * can only be created once they are gone; their deletion event brings the reconcile back.
   */
  readonly terminatingWithPvcs: number;
  readonly currentRevision: { name: string; template: PodTemplateSpec };
  readonly updateRevision: { name: string; template: PodTemplateSpec };
}

/**
 * A scaling step that failed, and whether it still wrote something first. OpenKruise's Scale returns
 * (modified, err): a step that created or deleted nothing lets the update wave run in the same reconcile (a full
 * quota must not stop the pods that exist from being updated); one that made progress ends the reconcile.
 */
export class ScaleStepError extends Error {
  readonly progressed: boolean;
  constructor(message: string, progressed: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = "ScaleStepError";
    this.progressed = progressed;
  }
}

/**
 * Carries out the one scaling step planScale chose. Returns whether anything was written.
 *
 * Caveats: a failure throws; a {@link ScaleStepError} says whether anything was written before it.
 */
export async function executeScale(deps: CloneSetRun, ctx: ScaleContext, plan: ScalePlan): Promise<boolean> {
  const step = plan.step;
  const cs = ctx.cloneSet;
  if (plan.scaleUpLimited !== undefined) {
    deps.recorder.event(
      cs,
      "Warning",
      "ScaleUpLimited",
      `scaleUp is limited because of scaleStrategy.maxUnavailable, limit: ${plan.scaleUpLimited.limit}`,
    );
  }
  switch (step.kind) {
    case "none":
      return false;
    case "create":
      if (step.count <= 0) return false;
      if (ctx.terminatingWithPvcs > 0) {
        deps.log.debug(
          { terminating: ctx.terminatingWithPvcs },
          "scale-up waits for terminating pods whose PVCs will be reused",
        );
        return true;
      }
      await createPods(deps, ctx, step.currentRevisionCount, step.updateRevisionCount);
      return true;
    case "cancelPreparingDelete":
      await Promise.all(
        step.pods.map(async (pod) => {
          const r = await applyLifecycleTransition(
            deps.client,
            structuredClone(pod),
            { to: LifecycleState.PreparingNormal, markPodNotReady: false },
            deps.clock.now(),
          );
          deps.podVersions.expect(r.pod);
        }),
      );
      return true;
    case "delete": {
      const now = deps.clock.now();
      await Promise.all(
        step.prepareDelete.map(async ({ pod, transition }) => {
          const r = await applyLifecycleTransition(deps.client, structuredClone(pod), transition, now);
          deps.podVersions.expect(r.pod);
        }),
      );
      await deletePods(deps, ctx, step.delete);
      return step.delete.length > 0 || step.prepareDelete.length > 0;
    }
  }
}

async function createPods(
  deps: CloneSetRun,
  ctx: ScaleContext,
  currentCount: number,
  updateCount: number,
): Promise<void> {
  const cs = ctx.cloneSet;
  const now = deps.clock.now();
  const taken = new Set<string>();
  for (const pod of ctx.pods) {
    const id = instanceIdOf(pod);
    if (id !== undefined) taken.add(id);
  }
  for (const pvc of ctx.pvcs) {
    const id = instanceIdOf(pvc);
    if (id !== undefined) taken.add(id);
  }
  // Bounded work per reconcile: the rest are created by the next reconciles.
  const total = Math.min(currentCount + updateCount, MAX_CREATES_PER_RECONCILE);
  currentCount = Math.min(currentCount, total);
  const reusable = [...ctx.reusableIds];
  const pods: Pod[] = [];
  for (let i = 0; i < total; i++) {
    const id = reusable.shift() ?? generateInstanceId(taken);
    taken.add(id);
    const revision = i < currentCount ? ctx.currentRevision : ctx.updateRevision;
    pods.push(
      newPod(cs, revision.template, {
        revision: revision.name,
        instanceId: id,
        now,
        shortHash: deps.gates.CloneSetShortHash,
      }),
    );
  }
  const names = pods.map((p) => p.metadata?.name ?? "");
  deps.log.debug({ names, reusable: ctx.reusableIds }, "creating pods");
  // Expect before writing: an informer event for a pod may arrive before create() returns.
  deps.scaleExpectations.expectCreations(ctx.key, names);
  const existingPvcs = new Set(ctx.pvcs.map((p) => p.metadata?.name));
  const result = await slowStartWindow(pods.length, MAX_IN_FLIGHT, async (i) => {
    const pod = pods[i] as Pod;
    const name = pod.metadata?.name ?? "";
    try {
      const id = instanceIdOf(pod) ?? "";
      for (const pvc of instanceClaims(cs, id).values()) {
        const claim = pvc.metadata?.name ?? "";
        if (existingPvcs.has(claim)) continue;
        deps.scaleExpectations.expectCreations(ctx.key, [claim]);
        try {
          await deps.client.create(PersistentVolumeClaimKind, pvc);
        } catch (err) {
          deps.scaleExpectations.creationObserved(ctx.key, claim);
          if (!(err instanceof AlreadyExistsError)) throw err;
        }
      }
      await deps.client.create(PodKind, pod);
    } catch (err) {
      // The create did not happen (or its outcome is unknown and the cache will tell): lower the expectation.
      deps.scaleExpectations.creationObserved(ctx.key, name);
      const message = stableMessage(err, instanceIdOf(pod) ?? "");
      deps.recorder.event(cs, "Warning", "FailedCreate", `failed to create pod: ${message}`);
      throw err instanceof ConflictError ? err : new Error(message, { cause: err });
    }
    deps.recorder.event(cs, "Normal", "SuccessfulCreate", `succeed to create pod ${name}`);
    deps.bus?.publish({
      ...cloneSetEventSource(cs),
      event: CloneSetBusEvent.PodCreated,
      id: podCreatedId(cs.metadata?.uid ?? "", name),
      data: { pod: name, revision: pod.metadata?.labels?.["controller-revision-hash"] },
    });
  });
  // Pods a failed batch never attempted were never written: they are not coming.
  for (let i = 0; i < pods.length; i++)
    if (!result.attempted.has(i)) deps.scaleExpectations.creationObserved(ctx.key, names[i] ?? "");
  if (result.error === undefined) return;
  if (result.error instanceof ConflictError) throw result.error;
  const message =
    result.error instanceof Error
      ? result.error.message
      : `pod creation failed: ${JSON.stringify(result.error)}`;
  throw new ScaleStepError(message, result.succeeded > 0, { cause: result.error });
}

/**
 * The API server's message with the new pod's random instance id replaced by `<id>`: the same failure then gives
 * the same FailedScale condition and Event text every time, so a retry that fails again writes nothing new (a
 * changing message would rewrite the status, wake the CloneSet and loop).
 */
export function stableMessage(err: unknown, instanceId: string): string {
  const message = err instanceof Error ? err.message : String(err);
  return instanceId === "" ? message : message.split(instanceId).join("<id>");
}

/** Deletes pods (UID precondition: never a same-named successor) and the PVCs the controller made for them. */
export async function deletePods(deps: CloneSetRun, ctx: ScaleContext, pods: readonly Pod[]): Promise<void> {
  if (pods.length === 0) return;
  const cs = ctx.cloneSet;
  deps.scaleExpectations.expectDeletions(
    ctx.key,
    pods.map((p) => p.metadata?.name ?? ""),
  );
  const results = await settleWithLimit(pods, MAX_IN_FLIGHT, async (pod) => {
    const name = pod.metadata?.name ?? "";
    const uid = pod.metadata?.uid ?? "";
    try {
      await deps.client.delete(PodKind, name, pod.metadata?.namespace, { preconditions: { uid } });
    } catch (err) {
      deps.scaleExpectations.deletionObserved(ctx.key, name);
      if (err instanceof NotFoundError) return;
      const message = err instanceof Error ? err.message : String(err);
      deps.recorder.event(cs, "Warning", "FailedDelete", `failed to delete pod ${name}: ${message}`);
      throw err;
    }
    for (const pvc of claimsOfPod(pod, ctx.pvcs)) {
      const claim = pvc.metadata?.name ?? "";
      // Expected like the pod: until the cache shows this claim going, its id must not look free for reuse.
      deps.scaleExpectations.expectDeletions(ctx.key, [claim]);
      try {
        await deps.client.delete(PersistentVolumeClaimKind, claim, pvc.metadata?.namespace, {
          preconditions: { uid: pvc.metadata?.uid ?? "" },
        });
      } catch (err) {
        deps.scaleExpectations.deletionObserved(ctx.key, claim);
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    deps.recorder.event(cs, "Normal", "SuccessfulDelete", `succeed to delete pod ${name}`);
    deps.bus?.publish({
      ...cloneSetEventSource(cs),
      event: CloneSetBusEvent.PodDeleted,
      id: podDeletedId(cs.metadata?.uid ?? "", uid),
      data: { pod: name },
    });
  });
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed === undefined) return;
  if (failed.reason instanceof ConflictError) throw failed.reason;
  const message = failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
  const progressed = results.some((r) => r.status === "fulfilled");
  throw new ScaleStepError(message, progressed, { cause: failed.reason });
}
