import type { Pod } from "kubernetes-types/core/v1.js";
import { CONTROLLER_REVISION_HASH_LABEL } from "../keys.ts";
import { isPodAtRevision, revisionLabels } from "./revision-match.ts";

/**
 * How one controller writes and reads the revision on its pods (OpenKruise's revisionadapter.Interface).
 * CloneSet with the CloneSetShortHash gate writes only the hash part; everything else writes the full name.
 */
export interface RevisionAdapter {
  /** Whether the pod is at the revision named `revision` (a ControllerRevision name). */
  isPodAt(pod: Pod, revision: string): boolean;
  /** The labels that record `revision` on a pod (controller-revision-hash and pod-template-hash). */
  labelsFor(revision: string): Record<string, string>;
}

/** controller-revision-hash holds the full revision name (`<owner>-<hash>`). */
export const fullNameRevisionAdapter: RevisionAdapter = {
  isPodAt: isPodAtRevision,
  labelsFor: (revision) => revisionLabels(revision, false),
};

/** controller-revision-hash holds only the hash (CloneSet's CloneSetShortHash gate). Reading accepts both forms. */
export const shortHashRevisionAdapter: RevisionAdapter = {
  isPodAt: isPodAtRevision,
  labelsFor: (revision) => revisionLabels(revision, true),
};

/**
 * controller-revision-hash only, the full name (Kubernetes' and OpenKruise's StatefulSet pods carry no
 * pod-template-hash).
 */
export const revisionHashOnlyAdapter: RevisionAdapter = {
  isPodAt: isPodAtRevision,
  labelsFor: (revision) => ({ [CONTROLLER_REVISION_HASH_LABEL]: revision }),
};
