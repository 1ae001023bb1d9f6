import type { CloneSet } from "@kruise/api";
import { IMAGE_PREDOWNLOAD_REQUESTED_EVENT } from "@kruise/api";
// The NATS events the CloneSet controller publishes, one per step. Ids are deterministic (object UID plus what
// makes the step unique), so a retried reconcile publishes the same id and JetStream drops the duplicate.

/** Event names, the last token of the subject `kruise.cloneset.<namespace>.<name>.<event>`. */
export const CloneSetBusEvent = {
  PodCreated: "pod-created",
  PodDeleted: "pod-deleted",
  PodUpdatedInPlace: "pod-updated-in-place",
  Scaled: "scaled",
  RolloutProgress: "rollout-progress",
  RolloutComplete: "rollout-complete",
  ImagePredownloadRequested: IMAGE_PREDOWNLOAD_REQUESTED_EVENT,
} as const;
export type CloneSetBusEvent = (typeof CloneSetBusEvent)[keyof typeof CloneSetBusEvent];

/** The kind named in each event; subjects use it lower-cased: kruise.cloneset.<ns>.<name>.<event>. */
export const BUS_KIND = "CloneSet";

/** Whose step an event reports: the fields every CloneSet event shares. */
export function cloneSetEventSource(cs: CloneSet): { kind: string; namespace: string; name: string } {
  return {
    kind: BUS_KIND,
    namespace: cs.metadata?.namespace ?? "",
    name: cs.metadata?.name ?? "",
  };
}

/** A pod is created once, so its name identifies the step. */
export function podCreatedId(cloneSetUid: string, podName: string): string {
  return `${cloneSetUid}.${podName}.${CloneSetBusEvent.PodCreated}`;
}

/** Deleting a given pod happens once: its UID identifies the step. */
export function podDeletedId(cloneSetUid: string, podUid: string): string {
  return `${cloneSetUid}.${podUid}.${CloneSetBusEvent.PodDeleted}`;
}

/** A pod moves to a revision in place at most once. */
export function podUpdatedInPlaceId(podUid: string, revision: string): string {
  return `${podUid}.${revision}.${CloneSetBusEvent.PodUpdatedInPlace}`;
}

/** The owned pod count changed from one value to another, for a given generation. */
export function scaledId(cloneSetUid: string, generation: number, from: number, to: number): string {
  return `${cloneSetUid}.${generation}.${from}-${to}.${CloneSetBusEvent.Scaled}`;
}

/** One message per (revision, updated count, updated-available count) observed. */
export function rolloutProgressId(
  cloneSetUid: string,
  revision: string,
  updated: number,
  updatedAvailable: number,
): string {
  return `${cloneSetUid}.${revision}.${updated}-${updatedAvailable}.${CloneSetBusEvent.RolloutProgress}`;
}

export function rolloutCompleteId(cloneSetUid: string, revision: string): string {
  return `${cloneSetUid}.${revision}.${CloneSetBusEvent.RolloutComplete}`;
}

// The pre-download request is a contract with the ImagePullJob controller, so it lives in @kruise/api.
export { imagePredownloadRequestedId, type ImagePredownloadRequest } from "@kruise/api";
