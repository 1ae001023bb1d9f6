import type { Pod } from "kubernetes-types/core/v1.js";
import { hasInPlaceUpdateGrace, readInPlaceUpdateState, type InPlaceUpdateState } from "./update-state.ts";
import { checkResourcesUpdated } from "./vertical.ts";
import { readRuntimeContainerMetaSet } from "@kruise/api";
import { expectedEnvFromMetadataHash } from "./env-from-metadata.ts";

export type CompletionCheck =
  { readonly completed: true } | { readonly completed: false; readonly reason: string };

/**
 * Docker-style references without a tag mean ":latest"; kubelet reports them that way. A reference with any
 * ":" (a tag, a digest, or a registry port) is left alone, as OpenKruise does.
 */
export function normalizeImage(image: string): string {
  return image.includes(":") ? image : `${image}:latest`;
}

/**
 * Whether the containers an in-place update touched are running the new image: for each of them kubelet
 * reports either a different imageID than before the update, or exactly the spec image. A container whose
 * status is missing is not done yet. After a resize (`updateResources`), every container's status also shows the
 * spec's requests and limits (checkResourcesUpdated). After a restart for env from metadata (`updateEnvFromMetadata`),
 * kruise-daemon's runtime-containers-meta shows every container running with the values its env now takes
 * (checkEnvFromMetadataRestarted).
 */
export function checkContainersUpdated(pod: Pod, state: InPlaceUpdateState): CompletionCheck {
  if (state.updateEnvFromMetadata === true) {
    const env = checkEnvFromMetadataRestarted(pod);
    if (!env.completed) return env;
  }
  if (state.updateResources === true) {
    const resources = checkResourcesUpdated(pod);
    if (!resources.completed) return resources;
  }
  const specImages = new Map(
    (pod.spec?.containers ?? []).map((c) => [c.name, normalizeImage(c.image ?? "")]),
  );
  const waiting = new Set(Object.keys(state.lastContainerStatuses ?? {}));
  for (const status of pod.status?.containerStatuses ?? []) {
    const before = state.lastContainerStatuses?.[status.name];
    if (before === undefined) continue;
    if (before.imageID === status.imageID && specImages.get(status.name) !== status.image) {
      return {
        completed: false,
        reason: `container ${status.name} still runs the old image (imageID unchanged)`,
      };
    }
    waiting.delete(status.name);
  }
  if (waiting.size > 0)
    return { completed: false, reason: `no status yet for containers ${[...waiting].sort().join(", ")}` };
  return { completed: true };
}

/**
 * Whether every container runs with the env values the pod's labels and annotations give it now, as OpenKruise checks
 * it: kruise-daemon's runtime-containers-meta names each container of the spec, with the containerID the kubelet
 * reports in status, and an extractedEnvFromMetadataHash equal to the one the pod's metadata gives
 * (expectedEnvFromMetadataHash). Without the annotation (no kruise-daemon on the node) the update never completes.
 */
export function checkEnvFromMetadataRestarted(pod: Pod): CompletionCheck {
  let meta;
  try {
    meta = readRuntimeContainerMetaSet(pod);
  } catch (error) {
    return { completed: false, reason: (error as Error).message };
  }
  if (meta === undefined)
    return { completed: false, reason: "waiting for kruise-daemon's runtime-containers-meta" };
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  for (const c of pod.spec?.containers ?? []) {
    const status = statuses.get(c.name);
    if (status === undefined) return { completed: false, reason: `no status yet for container ${c.name}` };
    const reported = meta.containers.find((m) => m.name === c.name);
    if (reported === undefined || reported.containerID !== status.containerID)
      return { completed: false, reason: `runtime-containers-meta does not show container ${c.name} yet` };
    if (reported.hashes?.extractedEnvFromMetadataHash !== expectedEnvFromMetadataHash(c, pod.metadata))
      return { completed: false, reason: `container ${c.name} still runs with its old env from metadata` };
  }
  return { completed: true };
}

/**
 * Whether the pod's in-place update has finished: no grace period pending, no batches left, and every
 * updated container running its new image (and, after a restart for env from metadata, with its new env values).
 * A pod that never had an in-place update counts as complete.
 */
export function checkInPlaceUpdateCompleted(pod: Pod): CompletionCheck {
  if (hasInPlaceUpdateGrace(pod))
    return { completed: false, reason: "still in the in-place update grace period" };
  const state = readInPlaceUpdateState(pod);
  if (state === undefined) return { completed: true };
  if (
    Object.keys(state.nextContainerImages ?? {}).length > 0 ||
    Object.keys(state.nextContainerResources ?? {}).length > 0 ||
    Object.keys(state.nextContainerRefMetadata ?? {}).length > 0
  )
    return { completed: false, reason: "containers remain for a later in-place update batch" };
  return checkContainersUpdated(pod, state);
}

/** Whether the containers a batch updated are ready, so the next batch may start. */
export function preCheckBeforeNextPassed(pod: Pod, state: InPlaceUpdateState): CompletionCheck {
  const required = state.preCheckBeforeNext?.containersRequiredReady ?? [];
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const notReady = required.filter((name) => statuses.get(name)?.ready !== true);
  return notReady.length === 0
    ? { completed: true }
    : { completed: false, reason: `waiting for containers ${notReady.join(", ")} to be ready` };
}
