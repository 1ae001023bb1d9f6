import type { Container, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { typedPodTemplate } from "../template/typed-encoding.ts";
import { jsonEqual } from "../util/json.ts";
import { diffContainerResources, podQosClass, type ContainerResourceChange } from "./vertical.ts";
import { containerUsesMetadata, type ContainerRefMetadata } from "./env-from-metadata.ts";

/** Label/annotation changes to merge onto the pod; `null` removes a key (JSON merge patch semantics). */
export interface MetadataPatch {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
}

/** What an in-place update changes on a pod. Field names follow OpenKruise's grace annotation. */
export interface InPlaceUpdateSpec {
  /** The revision the pod moves to. */
  revision: string;
  /** Container name → new image. */
  containerImages: Record<string, string>;
  /** Container name → the cpu/memory requests and limits that change (InPlaceWorkloadVerticalScaling). */
  containerResources?: Record<string, ContainerResourceChange>;
  metadataPatch?: MetadataPatch;
  /**
   * Container name → the labels and annotations its env takes values from that change (InPlaceUpdateEnvFromMetadata):
   * written with that container's batch, which restarts it. These keys are not in metadataPatch.
   */
  containerRefMetadata?: Record<string, ContainerRefMetadata>;
  /** Some container is restarted for its env from metadata: completion waits for kruise-daemon's report. */
  updateEnvFromMetadata?: boolean;
  /** When > 0 the images are patched only after this many seconds (the pod first turns NotReady). */
  graceSeconds?: number;
}

export type InPlaceDiff =
  | { readonly inPlace: true; readonly spec: InPlaceUpdateSpec }
  | { readonly inPlace: false; readonly reason: string };

export interface InPlaceDiffOptions {
  /** Name of the revision being moved to. */
  readonly revision: string;
  /** inPlaceUpdateStrategy.gracePeriodSeconds. */
  readonly gracePeriodSeconds?: number;
  /**
   * Gate InPlaceWorkloadVerticalScaling: a change of container cpu/memory values (that keeps the pod's QoS class)
   * is resized in place too, through the pods/resize subresource.
   */
  readonly verticalScaling?: boolean;
  /**
   * Gate InPlaceUpdateEnvFromMetadata: a label or annotation set (added or changed) that a container's env takes
   * its value from goes to that container's containerRefMetadata, so the container is restarted with the new value.
   * Without it such a change only patches the pod's metadata, as any other label change.
   */
  readonly envFromMetadata?: boolean;
}

/**
 * Whether moving a pod from `oldTemplate` to `newTemplate` can happen in place, as OpenKruise decides it:
 * only container images (same containers, same order) and template labels/annotations may differ, and with
 * `verticalScaling` the cpu/memory values of container requests and limits (see diffContainerResources; the pod's
 * QoS class must stay). Any other change — env, command, ports, a container added or removed or renamed, volumes,
 * other metadata — needs the pod recreated, and the reason says what differed.
 */
export function calculateInPlaceUpdate(
  oldTemplate: PodTemplateSpec | undefined,
  newTemplate: PodTemplateSpec | undefined,
  options: InPlaceDiffOptions,
): InPlaceDiff {
  if (oldTemplate === undefined || newTemplate === undefined)
    return { inPlace: false, reason: "the old or new revision has no pod template" };
  // Compare the templates as Go's typed encoding writes them, so that a revision's recorded template and a
  // template as given ("resources: {}" or not, "cpu: 0.5" or "500m") differ only where they mean different things.
  oldTemplate = typedPodTemplate(oldTemplate);
  newTemplate = typedPodTemplate(newTemplate);

  const { labels: oldLabels, annotations: oldAnnotations, ...oldMetaRest } = oldTemplate.metadata ?? {};
  const { labels: newLabels, annotations: newAnnotations, ...newMetaRest } = newTemplate.metadata ?? {};
  if (!jsonEqual(oldMetaRest, newMetaRest))
    return { inPlace: false, reason: "template metadata other than labels and annotations changed" };

  const oldContainers = oldTemplate.spec?.containers ?? [];
  const newContainers = newTemplate.spec?.containers ?? [];
  if (oldContainers.length !== newContainers.length)
    return { inPlace: false, reason: "containers were added or removed" };

  const containerImages: Record<string, string> = {};
  const containerResources: Record<string, ContainerResourceChange> = {};
  const vertical = options.verticalScaling === true;
  for (let i = 0; i < oldContainers.length; i++) {
    const before = oldContainers[i] as Container;
    const after = newContainers[i] as Container;
    if (before.name !== after.name)
      return {
        inPlace: false,
        reason: `container ${i} was renamed or reordered (${before.name} → ${after.name})`,
      };
    const { image: oldImage, resources: oldResources, ...oldRest } = before;
    const { image: newImage, resources: newResources, ...newRest } = after;
    if (!jsonEqual(oldRest, newRest) || (!vertical && !jsonEqual(oldResources, newResources)))
      return { inPlace: false, reason: `container ${before.name} changed more than its image` };
    if (vertical) {
      const resources = diffContainerResources(before.name, oldResources, newResources);
      if (!resources.ok) return { inPlace: false, reason: resources.reason };
      if (resources.change !== undefined) containerResources[before.name] = resources.change;
    }
    if (oldImage !== newImage) {
      if (oldImage === undefined || newImage === undefined)
        return { inPlace: false, reason: `container ${before.name} image was added or removed` };
      containerImages[before.name] = newImage;
    }
  }

  const oldSpecRest = { ...(oldTemplate.spec ?? {}), containers: undefined };
  const newSpecRest = { ...(newTemplate.spec ?? {}), containers: undefined };
  if (!jsonEqual(oldSpecRest, newSpecRest))
    return { inPlace: false, reason: "pod spec changed outside container images" };

  if (
    Object.keys(containerResources).length > 0 &&
    podQosClass(oldTemplate.spec) !== podQosClass(newTemplate.spec)
  )
    return { inPlace: false, reason: "the resources change moves the pod to another QoS class" };

  let labels = mapDiff(oldLabels, newLabels);
  let annotations = mapDiff(oldAnnotations, newAnnotations);
  const containerRefMetadata: Record<string, ContainerRefMetadata> = {};
  if (options.envFromMetadata === true) {
    labels = moveEnvKeys("labels", labels, newContainers, containerRefMetadata);
    annotations = moveEnvKeys("annotations", annotations, newContainers, containerRefMetadata);
  }
  const metadataPatch: MetadataPatch | undefined =
    labels !== undefined || annotations !== undefined
      ? { ...(labels !== undefined ? { labels } : {}), ...(annotations !== undefined ? { annotations } : {}) }
      : undefined;

  const graceSeconds = options.gracePeriodSeconds ?? 0;
  return {
    inPlace: true,
    spec: {
      revision: options.revision,
      containerImages,
      ...(Object.keys(containerResources).length > 0 ? { containerResources } : {}),
      ...(metadataPatch !== undefined ? { metadataPatch } : {}),
      ...(Object.keys(containerRefMetadata).length > 0
        ? { containerRefMetadata, updateEnvFromMetadata: true }
        : {}),
      ...(graceSeconds > 0 ? { graceSeconds } : {}),
    },
  };
}

/**
 * Moves each key of `diff` that is set (not removed) and that some container's env takes its value from into those
 * containers' entries of `refs`; returns what is left (undefined when nothing). A removed key stays a plain metadata
 * change, as in OpenKruise, which considers only added and replaced keys.
 */
function moveEnvKeys(
  field: "labels" | "annotations",
  diff: Record<string, string | null> | undefined,
  containers: readonly Container[],
  refs: Record<string, ContainerRefMetadata>,
): Record<string, string | null> | undefined {
  if (diff === undefined) return undefined;
  const rest: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(diff)) {
    const users = value === null ? [] : containers.filter((c) => containerUsesMetadata(c, field, key));
    if (users.length === 0) rest[key] = value;
    for (const c of users) ((refs[c.name] ??= {})[field] ??= {})[key] = value!;
  }
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** Keys to set (new or changed value) and to remove (null); undefined when the maps are equal. */
function mapDiff(
  before: Record<string, string> | undefined,
  after: Record<string, string> | undefined,
): Record<string, string | null> | undefined {
  const diff: Record<string, string | null> = {};
  const a = before ?? {};
  const b = after ?? {};
  for (const [k, v] of Object.entries(b)) if (a[k] !== v) diff[k] = v;
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) diff[k] = null;
  return Object.keys(diff).length > 0 ? diff : undefined;
}
