// Condition types, readiness gates and status phases that OpenKruise tools read.

/** Pod readiness gate and condition: False while a pod is updated in place. */
export const IN_PLACE_UPDATE_READY = "InPlaceUpdateReady";
/** Pod readiness gate and condition on Kruise-owned pods: False while any Kruise writer holds the pod not ready. */
export const KRUISE_POD_READY = "KruisePodReady";
/** Pod condition: whether a SidecarSet can upgrade the pod's sidecars in place. */
export const SIDECARSET_UPGRADABLE = "SidecarSetUpgradable";

export const CloneSetConditionType = {
  FailedScale: "FailedScale",
  FailedUpdate: "FailedUpdate",
  Progressing: "Progressing",
} as const;
export type CloneSetConditionType = (typeof CloneSetConditionType)[keyof typeof CloneSetConditionType];

/** Reasons of the CloneSet Progressing condition. */
export const CloneSetProgressReason = {
  Available: "CloneSetAvailable",
  Paused: "CloneSetPaused",
  PartitionAvailable: "ProgressPartitionAvailable",
  DeadlineExceeded: "ProgressDeadlineExceeded",
  Updated: "CloneSetUpdated",
} as const;

export const StatefulSetConditionType = {
  FailedCreatePod: "FailedCreatePod",
  FailedUpdatePod: "FailedUpdatePod",
} as const;
export type StatefulSetConditionType =
  (typeof StatefulSetConditionType)[keyof typeof StatefulSetConditionType];

export const UnitedDeploymentConditionType = {
  SubsetProvisioned: "SubsetProvisioned",
  SubsetUpdated: "SubsetUpdated",
  SubsetFailure: "SubsetFailure",
  UnitedDeploymentUpdated: "UnitedDeploymentUpdated",
} as const;
export type UnitedDeploymentConditionType =
  (typeof UnitedDeploymentConditionType)[keyof typeof UnitedDeploymentConditionType];

/** Subset condition of a UnitedDeployment using the Adaptive strategy. */
export const SUBSET_SCHEDULABLE = "Schedulable";

export const JobConditionType = { Complete: "Complete", Failed: "Failed" } as const;
export type JobConditionType = (typeof JobConditionType)[keyof typeof JobConditionType];

export const BroadcastJobPhase = {
  Running: "running",
  Paused: "paused",
  Completed: "completed",
  Failed: "failed",
} as const;
export type BroadcastJobPhase = (typeof BroadcastJobPhase)[keyof typeof BroadcastJobPhase];

export const ImageTagPhase = {
  Waiting: "Waiting",
  Pulling: "Pulling",
  Succeeded: "Succeeded",
  Failed: "Failed",
} as const;
export type ImageTagPhase = (typeof ImageTagPhase)[keyof typeof ImageTagPhase];
