import type { Pod } from "kubernetes-types/core/v1.js";
import {
  CONTAINER_BARRIER_ENV,
  CONTAINER_LAUNCH_PRIORITY_ANNOTATION,
  CONTAINER_PRIORITY_ENV,
  INPLACE_UPDATE_GRACE_ANNOTATION,
  INPLACE_UPDATE_GRACE_ANNOTATION_OLD,
  INPLACE_UPDATE_STATE_ANNOTATION,
  INPLACE_UPDATE_STATE_ANNOTATION_OLD,
} from "../keys.ts";
import { formatKubeTime } from "@kruise/sdk";
import { cloneJson } from "../util/json.ts";
import type { InPlaceUpdateState } from "./update-state.ts";
import type { InPlaceUpdateSpec, MetadataPatch } from "./update-spec.ts";
import { withResourceChange, type ContainerResourceChange } from "./vertical.ts";
import { withMetadataSharingContainers, type ContainerRefMetadata } from "./env-from-metadata.ts";

export interface StartInPlaceUpdateOptions {
  readonly now: number;
  /** Labels to write with the update: the revision labels, the lifecycle state, … */
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * The pod as it should be written to start an in-place update (a pure function of the pod; the caller
 * writes it with its resourceVersion so a concurrent change makes the write fail, not get lost).
 * With a grace period the spec is parked in the grace annotation and the containers are left alone;
 * otherwise the first batch of containers gets its new images right away (see patchSpecToPod).
 */
export function startInPlaceUpdate(
  pod: Pod,
  spec: InPlaceUpdateSpec,
  options: StartInPlaceUpdateOptions,
): Pod {
  const next = cloneJson(pod);
  const metadata = (next.metadata ??= {});
  metadata.labels = { ...(metadata.labels ?? {}), ...(options.labels ?? {}) };
  const annotations: Record<string, string> = {
    ...(metadata.annotations ?? {}),
    ...(options.annotations ?? {}),
  };
  delete annotations[INPLACE_UPDATE_STATE_ANNOTATION_OLD];
  metadata.annotations = annotations;

  const state: InPlaceUpdateState = {
    revision: spec.revision,
    updateTimestamp: formatKubeTime(options.now),
    ...(spec.updateEnvFromMetadata === true ? { updateEnvFromMetadata: true } : {}),
    ...(Object.keys(spec.containerImages).length > 0 ? { updateImages: true } : {}),
    ...(Object.keys(spec.containerResources ?? {}).length > 0 ? { updateResources: true } : {}),
  };
  if ((spec.graceSeconds ?? 0) > 0) {
    annotations[INPLACE_UPDATE_STATE_ANNOTATION] = JSON.stringify(state);
    annotations[INPLACE_UPDATE_GRACE_ANNOTATION] = JSON.stringify(spec);
    return next;
  }
  return patchSpecToPod(next, spec, state, options.now);
}

/**
 * The launch priority of each container, as OpenKruise's pod webhook assigns it at creation (and its in-place
 * update reads it back from the KRUISE_CONTAINER_BARRIER env it injected); undefined when the pod has none, so that
 * every container is updated at once.
 *
 * # Guarantees
 * - A pod created by OpenKruise: its barrier envs (`p_<priority>`) decide; a container without one has none.
 * - `apps.kruise.io/container-launch-priority: Ordered`: each container before the next (priority 0, -1, -2, …).
 * - Otherwise, once any container sets a KRUISE_CONTAINER_PRIORITY, every container has one: its value, else 0.
 *
 * # Caveats
 * - An unparsable KRUISE_CONTAINER_PRIORITY counts as 0 (OpenKruise's webhook refuses such a pod at creation).
 */
export function containerPriorities(pod: Pod): ReadonlyMap<string, number> | undefined {
  const containers = pod.spec?.containers ?? [];
  const barriers = new Map<string, number>();
  for (const c of containers) {
    const key = c.env?.find((e) => e.name === CONTAINER_BARRIER_ENV)?.valueFrom?.configMapKeyRef?.key;
    const match = key === undefined ? null : /^p_(-?\d+)$/.exec(key);
    if (match) barriers.set(c.name, Number.parseInt(match[1]!, 10));
  }
  if (barriers.size > 0) return barriers;
  if (pod.metadata?.annotations?.[CONTAINER_LAUNCH_PRIORITY_ANNOTATION] === "Ordered")
    return new Map(containers.map((c, i) => [c.name, -i]));
  const raw = containers.map((c) => c.env?.find((e) => e.name === CONTAINER_PRIORITY_ENV)?.value);
  if (raw.every((v) => v === undefined)) return undefined;
  return new Map(
    containers.map((c, i) => {
      const value = raw[i]?.trim() ?? "";
      return [c.name, /^-?\d+$/.test(value) ? Number.parseInt(value, 10) : 0];
    }),
  );
}

/**
 * Applies the spec to the pod: metadata first, then images. Containers without a priority, plus those with
 * the highest priority, are updated now; the rest wait in `nextContainerImages` until the ones updated now
 * are ready, so that ordered-start apps also restart in order. The labels and annotations a container's env uses
 * (containerRefMetadata) are written with that container's batch (kruise-daemon then restarts it); a container that
 * shares such a key with one updated now is updated now too. Records the old imageIDs so completion can
 * be detected, and writes the state annotation. Also ends any grace period.
 */
export function patchSpecToPod(
  pod: Pod,
  spec: InPlaceUpdateSpec,
  previousState: InPlaceUpdateState,
  now: number,
): Pod {
  const next = cloneJson(pod);
  const metadata = (next.metadata ??= {});
  applyMetadataPatch(metadata, spec.metadataPatch);
  const annotations = (metadata.annotations ??= {});
  delete annotations[INPLACE_UPDATE_GRACE_ANNOTATION];
  delete annotations[INPLACE_UPDATE_GRACE_ANNOTATION_OLD];

  const containers = next.spec?.containers ?? [];
  const priorities = containerPriorities(next);
  const toUpdate = new Set<string>();
  let highest: number | undefined;
  let highestGroup: string[] = [];
  const resources = spec.containerResources ?? {};
  const refMetadata = spec.containerRefMetadata ?? {};
  for (const c of containers) {
    if (
      !Object.hasOwn(spec.containerImages, c.name) &&
      !Object.hasOwn(resources, c.name) &&
      !Object.hasOwn(refMetadata, c.name)
    )
      continue;
    const priority = priorities?.get(c.name);
    if (priority === undefined) toUpdate.add(c.name);
    else if (highest === undefined || priority > highest) {
      highest = priority;
      highestGroup = [c.name];
    } else if (priority === highest) highestGroup.push(c.name);
  }
  for (const name of highestGroup) toUpdate.add(name);
  for (const name of withMetadataSharingContainers(toUpdate, refMetadata)) toUpdate.add(name);

  const state: InPlaceUpdateState = { ...cloneJson(previousState) };
  const nextImages: Record<string, string> = {};
  const nextResources: Record<string, ContainerResourceChange> = {};
  for (const c of containers) {
    const image = spec.containerImages[c.name];
    if (image !== undefined) {
      if (toUpdate.has(c.name)) c.image = image;
      else nextImages[c.name] = image;
    }
    const change = resources[c.name];
    if (change !== undefined) {
      // Written into the spec here; inplace-patch sends it through the pods/resize subresource.
      if (toUpdate.has(c.name)) c.resources = withResourceChange(c.resources, change);
      else nextResources[c.name] = change;
    }
  }
  for (const status of next.status?.containerStatuses ?? []) {
    // imageIDs only of containers whose image changes: a resize is complete when the kubelet reports the values.
    if (toUpdate.has(status.name) && Object.hasOwn(spec.containerImages, status.name)) {
      state.lastContainerStatuses = {
        ...(state.lastContainerStatuses ?? {}),
        [status.name]: { imageID: status.imageID },
      };
    }
  }
  const nextRefMetadata: Record<string, ContainerRefMetadata> = {};
  for (const [name, meta] of Object.entries(refMetadata)) {
    if (!toUpdate.has(name)) {
      nextRefMetadata[name] = meta;
      continue;
    }
    for (const field of ["labels", "annotations"] as const)
      // In place: `annotations` above is the map the state is written into.
      if (meta[field] !== undefined) Object.assign((metadata[field] ??= {}), meta[field]);
  }
  const updatedNow = [...toUpdate].sort();
  if (Object.keys(nextImages).length > 0) state.nextContainerImages = nextImages;
  else delete state.nextContainerImages;
  if (Object.keys(nextRefMetadata).length > 0) state.nextContainerRefMetadata = nextRefMetadata;
  else delete state.nextContainerRefMetadata;
  if (Object.keys(nextResources).length > 0) state.nextContainerResources = nextResources;
  else delete state.nextContainerResources;
  const more = [nextImages, nextResources, nextRefMetadata].some((m) => Object.keys(m).length > 0);
  if (more) state.preCheckBeforeNext = { containersRequiredReady: updatedNow };
  else delete state.preCheckBeforeNext;
  state.containerBatchesRecord = [
    ...(state.containerBatchesRecord ?? []),
    { timestamp: formatKubeTime(now), containers: updatedNow },
  ];
  annotations[INPLACE_UPDATE_STATE_ANNOTATION] = JSON.stringify(state);
  return next;
}

function applyMetadataPatch(metadata: NonNullable<Pod["metadata"]>, patch: MetadataPatch | undefined): void {
  if (patch === undefined) return;
  for (const field of ["labels", "annotations"] as const) {
    const changes = patch[field];
    if (changes === undefined) continue;
    const map: Record<string, string> = { ...(metadata[field] ?? {}) };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete map[k];
      else map[k] = v;
    }
    metadata[field] = map;
  }
}
