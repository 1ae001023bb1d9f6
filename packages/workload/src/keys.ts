/**
 * Label, annotation, condition and finalizer keys this package reads or writes.
 *
 * TEMPORARY HOME: these belong in `@kruise/api` (packages/api/src/constants/), which did not exist when this
 * package was written. When it lands, re-export from there and delete this file; the values must match
 * OpenKruise exactly so that existing tooling keeps working.
 */

/** Pod and ControllerRevision label holding the revision (CloneSet: full revision name unless short-hash mode). */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** Pod label holding the short revision hash (the part after the last `-`). */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** ControllerRevision label holding the data hash, as Kubernetes' history package writes it. */
export const CONTROLLER_REVISION_DATA_HASH_LABEL = "controller.kubernetes.io/hash";
/** ControllerRevision annotation recording a hash of the volumeClaimTemplates (CloneSet). */
export const VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION = "kruise.io/cloneset-volumeclaimtemplate-hash";

/** Pod and PVC label linking a CloneSet pod to its PVCs. */
export const CLONESET_INSTANCE_ID_LABEL = "apps.kruise.io/cloneset-instance-id";
/** CloneSet (v1alpha1) label equivalent to scaleStrategy.excludePreparingDelete. */
export const CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL = "apps.kruise.io/cloneset-scaling-exclude-preparing-delete";
/** Pod label: any value asks the workload to delete and replace this pod. */
export const SPECIFIED_DELETE_LABEL = "apps.kruise.io/specified-delete";
/** Pod annotation ranking pods for scale-down; lower is deleted first. */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

/** Pod label holding the lifecycle state. */
export const LIFECYCLE_STATE_LABEL = "lifecycle.apps.kruise.io/state";
/** Pod annotation holding when the lifecycle state last changed (RFC 3339). */
export const LIFECYCLE_TIMESTAMP_ANNOTATION = "lifecycle.apps.kruise.io/timestamp";

/** Pod annotation: JSON record of an in-place update in progress. */
export const INPLACE_UPDATE_STATE_ANNOTATION = "apps.kruise.io/inplace-update-state";
/** Legacy spelling of the state annotation, still read and removed on write. */
export const INPLACE_UPDATE_STATE_ANNOTATION_OLD = "inplace-update-state";
/** Pod annotation: the pending in-place update spec while the grace period runs. */
export const INPLACE_UPDATE_GRACE_ANNOTATION = "apps.kruise.io/inplace-update-grace";
/** Legacy spelling of the grace annotation. */
export const INPLACE_UPDATE_GRACE_ANNOTATION_OLD = "inplace-update-grace";
/** Pod annotation written by kruise-daemon with per-container runtime hashes. */
export const RUNTIME_CONTAINERS_META_ANNOTATION = "apps.kruise.io/runtime-containers-meta";

/** Readiness gate and pod condition: False while an in-place update runs. */
export const INPLACE_UPDATE_READY_CONDITION = "InPlaceUpdateReady";
/** Readiness gate and pod condition shared by Kruise writers that want a pod out of endpoints. */
export const KRUISE_POD_READY_CONDITION = "KruisePodReady";

/** Container env var: higher values are started and in-place updated first. */
export const CONTAINER_PRIORITY_ENV = "KRUISE_CONTAINER_PRIORITY";
