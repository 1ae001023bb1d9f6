// The bus contract of the SidecarSet controller with anyone who acts on a new sidecar revision (image pre-download
// of the new sidecar images, for one): a SidecarSet's spec produced a new revision.

/** Last subject token: `kruise.sidecarset._.<name>.sidecarset-changed` (SidecarSets are cluster-scoped). */
export const SIDECARSET_CHANGED_EVENT = "sidecarset-changed";

/** The kind that publishes sidecarset-changed. */
export const SIDECARSET_CHANGED_PUBLISHERS = ["SidecarSet"] as const;

/** Payload of sidecarset-changed. */
export interface SidecarSetChanged {
  /** The SidecarSet's `kruise.io/sidecarset-hash` of the new spec. */
  readonly hash: string;
  /** The ControllerRevision that records it. */
  readonly revision: string;
}

/** Step key: one per SidecarSet UID and hash, so a retried reconcile publishes the same id. */
export function sidecarSetChangedId(sidecarSetUid: string, hash: string): string {
  return `${sidecarSetUid}.${hash}.${SIDECARSET_CHANGED_EVENT}`;
}
