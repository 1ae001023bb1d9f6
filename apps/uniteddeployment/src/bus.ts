// The bus: subset workloads' controllers publish subset-status-changed when they write a new status; the owner
// UnitedDeployment is enqueued at once. Only a wake-up: the reconcile reads everything from the informers, so a
// lost, late, duplicated or forged message costs latency at most (and without NATS nothing is subscribed).
import { BUS_PARTIES, UnitedDeploymentKind, type SubsetStatusChanged } from "@kruise/api";
import type { CloudEvent, Request } from "@kruise/sdk";

/** What the controller subscribes to (exactly its NATS user's permission). */
export const SUBSET_STATUS_SUBJECTS: readonly string[] = BUS_PARTIES.uniteddeployment.consumes;

/** The UnitedDeployment a subset-status-changed event names as the workload's owner; none when malformed. */
export function ownerOfSubsetEvent(e: CloudEvent): Request[] {
  // Off the wire: every field is checked before use.
  const owner = (e.data as Partial<SubsetStatusChanged> | undefined)?.owner;
  if (
    typeof e.namespace !== "string" ||
    e.namespace === "" ||
    owner?.kind !== UnitedDeploymentKind.kind ||
    typeof owner.name !== "string" ||
    owner.name === ""
  )
    return [];
  return [{ namespace: e.namespace, name: owner.name }];
}
