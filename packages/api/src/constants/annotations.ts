// Well-known annotation keys, with OpenKruise's spelling.

/** Pods: JSON record of an in-place update in progress (revision, timestamps, last image IDs, batches). */
export const INPLACE_UPDATE_STATE_ANNOTATION = "apps.kruise.io/inplace-update-state";
/** Pods: older spelling of INPLACE_UPDATE_STATE_ANNOTATION, still read. */
export const INPLACE_UPDATE_STATE_ANNOTATION_OLD = "inplace-update-state";
/** Pods: the pending in-place spec while gracePeriodSeconds runs. */
export const INPLACE_UPDATE_GRACE_ANNOTATION = "apps.kruise.io/inplace-update-grace";
/** Pods: older spelling of INPLACE_UPDATE_GRACE_ANNOTATION, still read. */
export const INPLACE_UPDATE_GRACE_ANNOTATION_OLD = "inplace-update-grace";
/** Pods: container metadata written by the node agent (kruise-daemon). */
export const RUNTIME_CONTAINERS_META_ANNOTATION = "apps.kruise.io/runtime-containers-meta";
/** Pods: when the lifecycle state last changed. */
export const LIFECYCLE_TIMESTAMP_ANNOTATION = "lifecycle.apps.kruise.io/timestamp";
/** Pods: lower cost is deleted first on scale-down. */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
/** CloneSet (v1alpha1), DaemonSet: image pre-download parallelism. */
export const IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION = "apps.kruise.io/image-predownload-parallelism";
/** CloneSet (v1alpha1), DaemonSet: image pre-download timeout in seconds. */
export const IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION =
  "apps.kruise.io/image-predownload-timeout-seconds";
/** CloneSet (v1alpha1), DaemonSet: updated-ready pods needed before pre-download starts. */
export const IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION =
  "apps.kruise.io/image-predownload-min-updated-ready-pods";
/** UnitedDeployment subset workloads: the subset patch applied. */
export const SUBSET_PATCH_ANNOTATION = "apps.kruise.io/subset-patch";
/** AdvancedCronJob children: the scheduled time (RFC 3339). */
export const SCHEDULED_AT_ANNOTATION = "apps.kruise.io/scheduled-at";
/** DaemonSet (v1alpha1): "true" makes the partition also limit pod creation on new nodes. */
export const PROGRESSIVE_CREATE_POD_ANNOTATION = "daemonset.kruise.io/progressive-create-pod";
/** CloneSet ControllerRevisions: hash of the volumeClaimTemplates. */
export const CLONESET_VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION = "kruise.io/cloneset-volumeclaimtemplate-hash";
/** SidecarSet and pods: the SidecarSet spec hash. */
export const SIDECARSET_HASH_ANNOTATION = "kruise.io/sidecarset-hash";
/** SidecarSet and pods: the SidecarSet spec hash ignoring images. */
export const SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION = "kruise.io/sidecarset-hash-without-image";
/** Pods: comma list of the SidecarSets injected. */
export const SIDECARSET_INJECTED_LIST_ANNOTATION = "kruise.io/sidecarset-injected-list";
/** Pods: per SidecarSet, the sidecars' previous image IDs during an in-place upgrade. */
export const SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION = "kruise.io/sidecarset-inplace-update-state";
/** Pods: which twin is the working container of a hot-upgrade sidecar. */
export const SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION =
  "kruise.io/sidecarset-working-hotupgrade-container";
/** SidecarSet: "true" marks a canary SidecarSet. */
export const SIDECARSET_CANARY_ANNOTATION = "apps.kruise.io/sidecarset-canary";
/** SidecarSet: the base SidecarSet a canary overrides. */
export const SIDECARSET_BASE_ANNOTATION = "apps.kruise.io/sidecarset-base";
/** Pods: "Ordered" starts containers in priority order. */
export const CONTAINER_LAUNCH_PRIORITY_ANNOTATION = "apps.kruise.io/container-launch-priority";
/** Pods: set once ordered container launch finished. */
export const CONTAINER_LAUNCH_PRIORITY_COMPLETED_ANNOTATION =
  "apps.kruise.io/container-launch-priority-completed";
/** DaemonSet: the template generation Kubernetes' DaemonSet records; pods get it as `pod-template-generation`. */
export const DEPRECATED_TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";
