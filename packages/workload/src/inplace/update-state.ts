import type { Pod } from "kubernetes-types/core/v1.js";
import {
  INPLACE_UPDATE_GRACE_ANNOTATION,
  INPLACE_UPDATE_GRACE_ANNOTATION_OLD,
  INPLACE_UPDATE_STATE_ANNOTATION,
  INPLACE_UPDATE_STATE_ANNOTATION_OLD,
} from "../keys.ts";
import type { InPlaceUpdateSpec } from "./update-spec.ts";
import type { ContainerResourceChange } from "./vertical.ts";
import type { ContainerRefMetadata } from "./env-from-metadata.ts";

/**
 * The `apps.kruise.io/inplace-update-state` annotation, with OpenKruise's field names so that tools
 * reading it keep working.
 */
export interface InPlaceUpdateState {
  revision: string;
  /** RFC 3339, when the update started; the grace period counts from here. */
  updateTimestamp: string;
  /** imageIDs the updated containers ran before, to tell when kubelet has restarted them. */
  lastContainerStatuses?: Record<string, { imageID?: string }>;
  /**
   * Containers are restarted for their env from metadata (InPlaceUpdateEnvFromMetadata): completion waits for
   * kruise-daemon's runtime-containers-meta to show them started with the new values.
   */
  updateEnvFromMetadata?: boolean;
  updateImages?: boolean;
  /** Container resources are resized (InPlaceWorkloadVerticalScaling): completion waits for the kubelet's status. */
  updateResources?: boolean;
  /** Images left for later batches (containers with a lower KRUISE_CONTAINER_PRIORITY). */
  nextContainerImages?: Record<string, string>;
  /** Resource changes left for later batches, like nextContainerImages. */
  nextContainerResources?: Record<string, ContainerResourceChange>;
  /** Labels and annotations left for later batches, by the container whose env uses them. */
  nextContainerRefMetadata?: Record<string, ContainerRefMetadata>;
  /** Containers that must be ready before the next batch starts. */
  preCheckBeforeNext?: { containersRequiredReady?: string[] };
  containerBatchesRecord?: Array<{ timestamp: string; containers: string[] }>;
}

function annotation(pod: Pod, key: string, legacy: string): string | undefined {
  const annotations = pod.metadata?.annotations ?? {};
  return annotations[key] ?? annotations[legacy];
}

/** The parsed state annotation; undefined when absent. Throws a clear error when it is not valid JSON. */
export function readInPlaceUpdateState(pod: Pod): InPlaceUpdateState | undefined {
  const raw = annotation(pod, INPLACE_UPDATE_STATE_ANNOTATION, INPLACE_UPDATE_STATE_ANNOTATION_OLD);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as InPlaceUpdateState;
  } catch {
    throw new Error(
      `pod ${pod.metadata?.name ?? ""}: annotation ${INPLACE_UPDATE_STATE_ANNOTATION} is not valid JSON; remove it to let the controller restart the update`,
    );
  }
}

export function hasInPlaceUpdateGrace(pod: Pod): boolean {
  const raw = annotation(pod, INPLACE_UPDATE_GRACE_ANNOTATION, INPLACE_UPDATE_GRACE_ANNOTATION_OLD);
  return raw !== undefined && raw !== "";
}

/** The pending spec stored while the grace period runs; undefined when absent. */
export function readInPlaceUpdateGrace(pod: Pod): InPlaceUpdateSpec | undefined {
  const raw = annotation(pod, INPLACE_UPDATE_GRACE_ANNOTATION, INPLACE_UPDATE_GRACE_ANNOTATION_OLD);
  if (raw === undefined || raw === "") return undefined;
  try {
    return JSON.parse(raw) as InPlaceUpdateSpec;
  } catch {
    throw new Error(
      `pod ${pod.metadata?.name ?? ""}: annotation ${INPLACE_UPDATE_GRACE_ANNOTATION} is not valid JSON; remove it to let the controller restart the update`,
    );
  }
}
