import type { StatefulSet } from "@kruise/api";
import {
  controllerOf,
  isAlreadyExists,
  NotFoundError,
  PersistentVolumeClaimKind,
  PodKind,
} from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import { applyLifecycleTransition, decideDeleteLifecycle, type Lifecycle } from "@kruise/workload";
import { sameOwners, wantedClaimOwners } from "./claims.ts";
import type { StatefulSetDeps } from "./deps.ts";
import { eventSource, podCreatedId, podDeletedId, StatefulSetBusEvent } from "./events.ts";

/** `<namespace>/<name>`: the expectations key of a set. */
export function setKey(set: StatefulSet): string {
  return `${set.metadata?.namespace ?? ""}/${set.metadata?.name ?? ""}`;
}

/**
 * Creates one claim of a pod (one that already exists counts as created). Kubernetes' Events: SuccessfulCreate, or
 * FailedCreate before the error is thrown.
 */
export async function createClaim(
  deps: StatefulSetDeps,
  set: StatefulSet,
  podName: string,
  claim: PersistentVolumeClaim,
): Promise<void> {
  const setName = set.metadata?.name ?? "";
  const claimName = claim.metadata?.name ?? "";
  try {
    await deps.client.create(PersistentVolumeClaimKind, claim);
    deps.recorder.event(
      set,
      "Normal",
      "SuccessfulCreate",
      `create Claim ${claimName} Pod ${podName} in StatefulSet ${setName} success`,
    );
  } catch (err) {
    if (isAlreadyExists(err)) return;
    deps.recorder.event(
      set,
      "Warning",
      "FailedCreate",
      `create Claim ${claimName} for Pod ${podName} in StatefulSet ${setName} failed error: ${message(err)}`,
    );
    throw err;
  }
}

/**
 * Creates the pod's missing claims, then the pod, under a creation expectation (lowered again if the create
 * fails). Kubernetes' Events: SuccessfulCreate / FailedCreate for the claim and the pod.
 */
export async function createPodWithClaims(
  deps: StatefulSetDeps,
  set: StatefulSet,
  pod: Pod,
  claims: readonly PersistentVolumeClaim[],
): Promise<void> {
  const setName = set.metadata?.name ?? "";
  const podName = pod.metadata?.name ?? "";
  for (const claim of claims) await createClaim(deps, set, podName, claim);
  const key = setKey(set);
  deps.scaleExpectations.expectCreations(key, [podName]);
  try {
    await deps.client.create(PodKind, pod);
  } catch (err) {
    deps.scaleExpectations.creationObserved(key, podName);
    if (isAlreadyExists(err)) {
      // Ours and the cache has not shown it yet: the next reconcile sees it. Someone else's (a released pod, say)
      // blocks the ordinal until it goes, as in Kubernetes.
      const existing = deps.cache.get(PodKind, pod.metadata?.namespace ?? "", podName);
      if (existing === undefined || controllerOf(existing)?.uid === set.metadata?.uid) return;
      const blocked = new Error(
        `pod ${podName} already exists and is not controlled by StatefulSet ${setName}`,
      );
      deps.recorder.event(
        set,
        "Warning",
        "FailedCreate",
        `create Pod ${podName} in StatefulSet ${setName} failed error: ${blocked.message}`,
      );
      throw blocked;
    }
    deps.recorder.event(
      set,
      "Warning",
      "FailedCreate",
      `create Pod ${podName} in StatefulSet ${setName} failed error: ${message(err)}`,
    );
    throw err;
  }
  deps.recorder.event(
    set,
    "Normal",
    "SuccessfulCreate",
    `create Pod ${podName} in StatefulSet ${setName} successful`,
  );
  const revision = pod.metadata?.labels?.["controller-revision-hash"] ?? "";
  deps.bus?.publish({
    ...eventSource(set),
    event: StatefulSetBusEvent.PodCreated,
    id: podCreatedId(set.metadata?.uid ?? "", podName, revision),
    data: { pod: podName, revision },
  });
}

/**
 * Deletes a pod (UID precondition, under a deletion expectation), unless a preDelete hook holds it: then it
 * moves to PreparingDelete first and goes once the hook lets go. Returns whether anything was written.
 */
export async function deletePod(
  deps: StatefulSetDeps,
  set: StatefulSet,
  pod: Pod,
  lifecycle: Lifecycle | undefined,
): Promise<boolean> {
  const decision = decideDeleteLifecycle(pod, lifecycle);
  if (decision.action === "wait") return false;
  if (decision.action === "transition") {
    const r = await applyLifecycleTransition(
      deps.client,
      structuredClone(pod),
      decision.transition,
      deps.clock.now(),
    );
    deps.podVersions.expect(r.pod);
    return true;
  }
  const name = pod.metadata?.name ?? "";
  const key = setKey(set);
  deps.scaleExpectations.expectDeletions(key, [name]);
  try {
    await deps.client.delete(PodKind, name, pod.metadata?.namespace, {
      preconditions: { uid: pod.metadata?.uid ?? "" },
    });
  } catch (err) {
    deps.scaleExpectations.deletionObserved(key, name);
    if (err instanceof NotFoundError) return false;
    deps.recorder.event(
      set,
      "Warning",
      "FailedDelete",
      `delete Pod ${name} in StatefulSet ${set.metadata?.name ?? ""} failed error: ${message(err)}`,
    );
    throw err;
  }
  deps.recorder.event(
    set,
    "Normal",
    "SuccessfulDelete",
    `delete Pod ${name} in StatefulSet ${set.metadata?.name ?? ""} successful`,
  );
  deps.bus?.publish({
    ...eventSource(set),
    event: StatefulSetBusEvent.PodDeleted,
    id: podDeletedId(set.metadata?.uid ?? "", pod.metadata?.uid ?? ""),
    data: { pod: name },
  });
  return true;
}

/** Brings a claim's owner references to what the retention policy wants (one merge patch, only on change). */
export async function syncClaimOwners(
  deps: StatefulSetDeps,
  set: StatefulSet,
  claim: PersistentVolumeClaim,
  pod: Pod | undefined,
  condemned: boolean,
): Promise<boolean> {
  const wanted = wantedClaimOwners(claim, set, pod, condemned);
  if (sameOwners(claim.metadata?.ownerReferences, wanted)) return false;
  await deps.client.patch(
    PersistentVolumeClaimKind,
    claim.metadata?.name ?? "",
    claim.metadata?.namespace,
    "merge",
    {
      metadata: {
        resourceVersion: claim.metadata?.resourceVersion,
        ownerReferences: wanted.length > 0 ? wanted : null,
      },
    },
  );
  return true;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
