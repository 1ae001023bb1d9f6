import type { Container, Pod } from "kubernetes-types/core/v1.js";
import {
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
    ...(Object.keys(spec.containerImages).length > 0 ? { updateImages: true } : {}),
  };
  if ((spec.graceSeconds ?? 0) > 0) {
    annotations[INPLACE_UPDATE_STATE_ANNOTATION] = JSON.stringify(state);
    annotations[INPLACE_UPDATE_GRACE_ANNOTATION] = JSON.stringify(spec);
    return next;
  }
  return patchSpecToPod(next, spec, state, options.now);
}

/** A container's KRUISE_CONTAINER_PRIORITY, or undefined when it has none (or not an integer). */
export function containerPriority(container: Container): number | undefined {
  const raw = container.env?.find((e) => e.name === CONTAINER_PRIORITY_ENV)?.value;
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return undefined;
  return Number.parseInt(raw, 10);
}

/**
 * Applies the spec to the pod: metadata first, then images. Containers without a priority, plus those with
 * the highest priority, are updated now; the rest wait in `nextContainerImages` until the ones updated now
 * are ready, so that ordered-start apps also restart in order. Records the old imageIDs so completion can
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
  const toUpdate = new Set<string>();
  let highest: number | undefined;
  let highestGroup: string[] = [];
  for (const c of containers) {
    if (!Object.hasOwn(spec.containerImages, c.name)) continue;
    const priority = containerPriority(c);
    if (priority === undefined) toUpdate.add(c.name);
    else if (highest === undefined || priority > highest) {
      highest = priority;
      highestGroup = [c.name];
    } else if (priority === highest) highestGroup.push(c.name);
  }
  for (const name of highestGroup) toUpdate.add(name);

  const state: InPlaceUpdateState = { ...cloneJson(previousState) };
  const nextImages: Record<string, string> = {};
  for (const c of containers) {
    const image = spec.containerImages[c.name];
    if (image === undefined) continue;
    if (toUpdate.has(c.name)) c.image = image;
    else nextImages[c.name] = image;
  }
  for (const status of next.status?.containerStatuses ?? []) {
    if (toUpdate.has(status.name)) {
      state.lastContainerStatuses = {
        ...(state.lastContainerStatuses ?? {}),
        [status.name]: { imageID: status.imageID },
      };
    }
  }
  const updatedNow = [...toUpdate].sort();
  if (Object.keys(nextImages).length > 0) {
    state.nextContainerImages = nextImages;
    state.preCheckBeforeNext = { containersRequiredReady: updatedNow };
  } else {
    delete state.nextContainerImages;
    delete state.preCheckBeforeNext;
  }
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
