import type { DaemonSet } from "@kruise/api";
import { IMAGE_PREDOWNLOAD_REQUESTED_EVENT } from "@kruise/api";
import type { BusEvent, ReadOnly } from "@kruise/sdk";

/** The kind of this controller's events; the SDK makes the subject kruise.daemonset.<namespace>.<name>.<event>. */
export const BUS_KIND = "DaemonSet";

/** What the DaemonSet controller publishes on NATS (observability; nothing subscribes to act on it yet). */
export const DaemonSetBusEvent = {
  PodCreated: "pod-created",
  PodDeleted: "pod-deleted",
  PodUpdatedInPlace: "pod-updated-in-place",
  /** The new revision can roll out in place but a partition holds it: pull its images early (see @kruise/api). */
  ImagePredownloadRequested: IMAGE_PREDOWNLOAD_REQUESTED_EVENT,
  /** updatedNumberScheduled changed during a rollout. */
  RolloutProgress: "rollout-progress",
  /** Every node that should run the pod runs an available pod of the update revision. */
  RolloutComplete: "rollout-complete",
} as const;

/**
 * Ids are deterministic (object UID + what happened), so a retry after a crash publishes the same id and
 * JetStream's duplicate window drops it; a different fact always gets a different id.
 */
export function daemonSetEvent(
  ds: ReadOnly<DaemonSet>,
  event: (typeof DaemonSetBusEvent)[keyof typeof DaemonSetBusEvent],
  idParts: readonly (string | number)[],
  data: Record<string, unknown>,
): BusEvent {
  return {
    kind: BUS_KIND,
    namespace: ds.metadata?.namespace ?? "",
    name: ds.metadata?.name ?? "",
    event,
    id: [ds.metadata?.uid ?? "", event, ...idParts].join("."),
    data,
  };
}
