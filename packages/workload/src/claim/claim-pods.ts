import { controllerOf, InvalidError, NotFoundError, PodKind, type KubeObject } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { WorkloadDeps } from "../kit/deps.ts";
import { selectorMatches, selectorParses } from "../util/label-selector.ts";

/**
 * Which pods a workload must let go of, as Kubernetes' ClaimPods does for pods it already controls: those whose
 * controller reference is ours but whose labels no longer match the selector. Orphans and other owners' pods are
 * never touched (no adoption). A selector that cannot be parsed releases nothing: OpenKruise fails the reconcile
 * before claiming, and releasing every pod on a bad selector would be far worse than doing nothing.
 */
export function podsToRelease(
  selector: LabelSelector | undefined,
  ownerUid: string,
  pods: readonly Pod[],
): Pod[] {
  if (ownerUid === "" || selector === undefined || !selectorParses(selector)) return [];
  return pods.filter(
    (p) => controllerOf(p)?.uid === ownerUid && !selectorMatches(selector, p.metadata?.labels),
  );
}

/**
 * Removes the owner's reference from each pod (Kubernetes' ReleasePod), records an Event, and expects the written
 * resourceVersion so the next reconcile waits for the cache instead of releasing again.
 *
 * Guarantees: a JSON patch with `test` guards on the pod UID and the reference, never a merge patch of the whole
 * list (that would overwrite owner references another writer added meanwhile). A pod already gone or already
 * released (the guard fails with 422) needs nothing: like ReleasePod, those errors are ignored and the next
 * reconcile sees the truth. Any other error is thrown after trying every pod, so the caller retries before it
 * scales on a guess.
 */
export async function releasePods(
  deps: WorkloadDeps,
  owner: KubeObject,
  pods: readonly Pod[],
): Promise<void> {
  const ownerUid = owner.metadata?.uid ?? "";
  let failure: Error | undefined;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const index = pod.metadata?.ownerReferences?.findIndex((r) => r.uid === ownerUid) ?? -1;
    if (index < 0) continue;
    const patch = [
      { op: "test", path: "/metadata/uid", value: pod.metadata?.uid ?? "" },
      { op: "test", path: `/metadata/ownerReferences/${index}/uid`, value: ownerUid },
      { op: "remove", path: `/metadata/ownerReferences/${index}` },
    ];
    try {
      const written = await deps.client.patch(PodKind, name, pod.metadata?.namespace, "json", patch);
      deps.podVersions.expect(written);
      deps.log.info({ pod: name }, "released pod whose labels no longer match the selector");
      deps.recorder.event(
        owner,
        "Normal",
        "SuccessfulRelease",
        `succeed to release pod ${name}: its labels no longer match the selector`,
      );
      deps.onStep?.({ type: "pod-released", pod: name, podUid: pod.metadata?.uid ?? "" });
    } catch (err) {
      if (err instanceof NotFoundError || err instanceof InvalidError) continue;
      const message = err instanceof Error ? err.message : String(err);
      deps.recorder.event(owner, "Warning", "FailedRelease", `failed to release pod ${name}: ${message}`);
      failure ??= err instanceof Error ? err : new Error(message);
    }
  }
  if (failure !== undefined) throw failure;
}
