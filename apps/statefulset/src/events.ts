import type { StatefulSet } from "@kruise/api";
// The NATS events the Advanced StatefulSet controller publishes. Ids are deterministic (UIDs plus what makes the
// step unique), so a retried reconcile publishes the same id and JetStream drops the duplicate.

/** Event names, the last token of the subject `kruise.statefulset.<namespace>.<name>.<event>`. */
export const StatefulSetBusEvent = {
  PodCreated: "pod-created",
  PodDeleted: "pod-deleted",
  PodUpdatedInPlace: "pod-updated-in-place",
  RolloutProgress: "rollout-progress",
  RolloutComplete: "rollout-complete",
} as const;

/** The kind named in each event; subjects use it lower-cased: kruise.statefulset.<ns>.<name>.<event>. */
export const BUS_KIND = "StatefulSet";

export function eventSource(set: StatefulSet): { kind: string; namespace: string; name: string } {
  return { kind: BUS_KIND, namespace: set.metadata?.namespace ?? "", name: set.metadata?.name ?? "" };
}

/** A pod name is created once per pod UID that follows; the set UID and name identify the creation. */
export function podCreatedId(setUid: string, podName: string, revision: string): string {
  return `${setUid}.${podName}.${revision}.${StatefulSetBusEvent.PodCreated}`;
}
export function podDeletedId(setUid: string, podUid: string): string {
  return `${setUid}.${podUid}.${StatefulSetBusEvent.PodDeleted}`;
}
export function podUpdatedInPlaceId(podUid: string, revision: string): string {
  return `${podUid}.${revision}.${StatefulSetBusEvent.PodUpdatedInPlace}`;
}
export function rolloutProgressId(
  setUid: string,
  revision: string,
  updated: number,
  updatedReady: number,
): string {
  return `${setUid}.${revision}.${updated}-${updatedReady}.${StatefulSetBusEvent.RolloutProgress}`;
}
export function rolloutCompleteId(setUid: string, revision: string): string {
  return `${setUid}.${revision}.${StatefulSetBusEvent.RolloutComplete}`;
}
