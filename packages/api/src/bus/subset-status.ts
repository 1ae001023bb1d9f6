// The bus contract between workload controllers (CloneSet, Advanced StatefulSet) and the UnitedDeployment
// controller: a workload owned by a UnitedDeployment (a subset) wrote a new status, so the owner's status can follow
// within milliseconds. Without NATS the UnitedDeployment converges from its informers on the subset kinds.

/** Last subject token: `kruise.<workload kind lower>.<namespace>.<name>.subset-status-changed`. */
export const SUBSET_STATUS_CHANGED_EVENT = "subset-status-changed";

/** The kinds whose controllers publish subset-status-changed (Deployments and StatefulSets have no publisher). */
export const SUBSET_STATUS_PUBLISHERS = ["CloneSet", "StatefulSet"] as const;

/** Payload of subset-status-changed: the subset workload's status counts as written. */
export interface SubsetStatusChanged {
  /** The subset workload's UID. */
  readonly uid: string;
  /** The workload's controller owner (a UnitedDeployment): the object a subscriber enqueues. */
  readonly owner: { readonly kind: string; readonly name: string; readonly uid: string };
  /** The `apps.kruise.io/subset-name` label of the workload, when set. */
  readonly subsetName?: string;
  readonly observedGeneration: number;
  readonly replicas: number;
  readonly readyReplicas: number;
  readonly updatedReplicas: number;
  readonly updatedReadyReplicas: number;
  /** The revision the workload rolls out (CloneSet: status.updateRevision). */
  readonly updateRevision?: string;
}

/**
 * Step key: one per workload UID and observed generation. The bus appends a digest of the data, so two different
 * status counts under one generation get two ids, and one status seen twice keeps one.
 */
export function subsetStatusChangedId(workloadUid: string, observedGeneration: number): string {
  return `${workloadUid}.${observedGeneration}.${SUBSET_STATUS_CHANGED_EVENT}`;
}
