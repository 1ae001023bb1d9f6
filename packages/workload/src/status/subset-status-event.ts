// The bus message a subset workload's controller publishes when it writes a new status, so the UnitedDeployment that
// owns the workload recomputes its own status at once (contract: @kruise/api bus/subset-status.ts). One builder for
// every publishing kind, so the payload and step id cannot drift between CloneSet and Advanced StatefulSet.
import {
  SUBSET_NAME_LABEL,
  SUBSET_STATUS_CHANGED_EVENT,
  subsetStatusChangedId,
  UnitedDeploymentKind,
  type SubsetStatusChanged,
} from "@kruise/api";
import type { BusEvent } from "@kruise/sdk";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";

/** The part of a workload the event is built from. */
export interface SubsetWorkloadLike {
  readonly metadata?:
    | {
        readonly name?: string | undefined;
        readonly namespace?: string | undefined;
        readonly uid?: string | undefined;
        readonly labels?: Readonly<Record<string, string>> | undefined;
        readonly ownerReferences?: readonly OwnerReference[] | undefined;
      }
    | undefined;
}

/** The status counts the event carries, as the workload's controller just wrote them. */
export interface SubsetStatusCounts {
  readonly observedGeneration?: number | undefined;
  readonly replicas?: number | undefined;
  readonly readyReplicas?: number | undefined;
  readonly updatedReplicas?: number | undefined;
  readonly updatedReadyReplicas?: number | undefined;
  readonly updateRevision?: string | undefined;
}

/**
 * The subset-status-changed event of a workload whose status was just written, or undefined when the workload is
 * not a subset (its controller owner is not a UnitedDeployment): nobody listens then.
 *
 * Guarantees: the step id is the workload UID + observed generation (the bus appends a digest of the data), so a
 * status seen twice is one message and a new count under one generation is another.
 * Caveats: only a wake-up for the owner; the owner reads everything from its informers.
 */
export function subsetStatusChangedEvent(
  kind: string,
  workload: SubsetWorkloadLike,
  status: SubsetStatusCounts,
): BusEvent | undefined {
  const owner = workload.metadata?.ownerReferences?.find(
    (r) =>
      r.controller === true &&
      r.kind === UnitedDeploymentKind.kind &&
      r.apiVersion.startsWith("apps.kruise.io/"),
  );
  if (owner === undefined) return undefined;
  const uid = workload.metadata?.uid ?? "";
  const observedGeneration = status.observedGeneration ?? 0;
  const subsetName = workload.metadata?.labels?.[SUBSET_NAME_LABEL];
  const data: SubsetStatusChanged = {
    uid,
    owner: { kind: owner.kind, name: owner.name, uid: owner.uid },
    ...(subsetName !== undefined ? { subsetName } : {}),
    observedGeneration,
    replicas: status.replicas ?? 0,
    readyReplicas: status.readyReplicas ?? 0,
    updatedReplicas: status.updatedReplicas ?? 0,
    updatedReadyReplicas: status.updatedReadyReplicas ?? 0,
    ...(status.updateRevision !== undefined ? { updateRevision: status.updateRevision } : {}),
  };
  return {
    kind,
    namespace: workload.metadata?.namespace ?? "",
    name: workload.metadata?.name ?? "",
    event: SUBSET_STATUS_CHANGED_EVENT,
    id: subsetStatusChangedId(uid, observedGeneration),
    data,
  };
}
