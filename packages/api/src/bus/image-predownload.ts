// The bus contract between workload controllers (CloneSet, Advanced DaemonSet) and the ImagePullJob controller:
// a workload whose new revision can roll out in place but is held by a partition asks for its new images to be
// pulled ahead of time on the nodes of the pods still to update.

/** Last subject token: `kruise.<kind>.<namespace>.<name>.image-predownload-requested`. */
export const IMAGE_PREDOWNLOAD_REQUESTED_EVENT = "image-predownload-requested";

/** The kinds whose controllers publish image-predownload-requested. */
export const IMAGE_PREDOWNLOAD_PUBLISHERS = ["CloneSet", "DaemonSet"] as const;

/** Payload of image-predownload-requested: what the ImagePullJob controller needs to pre-pull. */
export interface ImagePredownloadRequest {
  /** The revision the images belong to (CloneSet: revision name; DaemonSet: controller-revision-hash). */
  readonly revision: string;
  /** Container name → new image. */
  readonly images: Record<string, string>;
  /** Selects the pods still on other revisions (their nodes need the images). */
  readonly podSelector: {
    matchLabels: Record<string, string>;
    matchExpressions: Array<{ key: string; operator: "NotIn"; values: string[] }>;
  };
  /** Pods (CloneSet) or nodes (DaemonSet) the partition keeps on the old revision. */
  readonly partition: number;
}

/** Deterministic id: one request per workload UID and revision, so retries are deduplicated. */
export function imagePredownloadRequestedId(workloadUid: string, revision: string): string {
  return `${workloadUid}.${revision}.${IMAGE_PREDOWNLOAD_REQUESTED_EVENT}`;
}
