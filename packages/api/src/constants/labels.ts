// Well-known label keys, with OpenKruise's spelling, so tools written for OpenKruise keep working.

/** Pods and ControllerRevisions: the workload revision a pod was created from (CloneSet, StatefulSet, DaemonSet). */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** CloneSet pods: short revision hash. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** UnitedDeployment subset workloads and their pod templates: the UnitedDeployment revision. */
export const UNITED_DEPLOYMENT_REVISION_LABEL = "apps.kruise.io/controller-revision-hash";
/** CloneSet pods and PVCs: the 5-character id that links a pod to its PVCs. */
export const CLONESET_INSTANCE_ID_LABEL = "apps.kruise.io/cloneset-instance-id";
/** CloneSet (v1alpha1): "true" makes scaling ignore pods in PreparingDelete. */
export const CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL =
  "apps.kruise.io/cloneset-scaling-exclude-preparing-delete";
/** Pods: any value asks CloneSet/StatefulSet to delete (and replace) this pod. */
export const SPECIFIED_DELETE_LABEL = "apps.kruise.io/specified-delete";
/** Pods: the lifecycle state (see LifecycleState). */
export const LIFECYCLE_STATE_LABEL = "lifecycle.apps.kruise.io/state";
/** UnitedDeployment subset workloads and pods: the subset name. */
export const SUBSET_NAME_LABEL = "apps.kruise.io/subset-name";
/** UnitedDeployment pods in the Adaptive reserve mode: "true" or "false". */
export const UNITED_DEPLOYMENT_RESERVED_POD_LABEL = "apps.kruise.io/united-deployment-reserved-pod";
/** ControllerRevisions: image pre-download jobs were created for this revision. */
export const IMAGE_PREDOWNLOAD_CREATED_LABEL = "apps.kruise.io/pre-predownload-created";
/** ControllerRevisions: image pre-download was skipped for this revision. */
export const IMAGE_PREDOWNLOAD_IGNORED_LABEL = "apps.kruise.io/image-predownload-ignored";
/** SidecarSet (v1alpha1) and its revisions: a user-chosen version. */
export const SIDECARSET_CUSTOM_VERSION_LABEL = "apps.kruise.io/sidecarset-custom-version";
/** SidecarSet ControllerRevisions: the owning SidecarSet's name. */
export const SIDECARSET_NAME_LABEL = "kruise.io/sidecarset-name";
/** BroadcastJob pods: the job's name. */
export const BROADCASTJOB_NAME_LABEL = "broadcastjob-name";
/** BroadcastJob pods: the job's UID. */
export const BROADCASTJOB_CONTROLLER_UID_LABEL = "broadcastjob-controller-uid";
/** NodeImage: keep it even when no node of that name exists (tests). */
export const FAKE_NODEIMAGE_LABEL = "apps.kruise.io/fake-nodeimage";
/** Workloads, namespaces, CRDs: Always or Cascading deletion protection. */
export const DELETE_PROTECTION_LABEL = "policy.kruise.io/delete-protection";
/** Pods: labels with this prefix make the pod count as unavailable. */
export const POD_UNAVAILABLE_LABEL_PREFIX = "unavailable-pod.kruise.io/";
/** DaemonSet pods: the DaemonSet's template generation (Kubernetes' `pod-template-generation`). */
export const POD_TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** StatefulSet pods (Kubernetes' key, kept by Advanced StatefulSet): the pod's own name, for per-pod Services. */
export const STATEFULSET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
/** StatefulSet pods (Kubernetes' key, gate PodIndexLabel): the pod's ordinal. */
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
