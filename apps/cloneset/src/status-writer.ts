import type { CloneSet, CloneSetStatus } from "@kruise/api";
import { CloneSetKind } from "@kruise/api";
import { patchStatusIfChanged } from "@kruise/sdk";
import { subsetStatusChangedEvent } from "@kruise/workload";
import type { CloneSetRun } from "./deps.ts";
import {
  BUS_KIND,
  cloneSetEventSource,
  CloneSetBusEvent,
  rolloutCompleteId,
  rolloutProgressId,
  scaledId,
} from "./events.ts";

/**
 * Writes status only when it differs from what the cache holds (the SDK's patchStatusIfChanged: a merge patch, so no
 * conflict with a concurrent spec change; removed conditions are sent as null). Publishes the NATS steps a status
 * change reveals, and subset-status-changed when a UnitedDeployment owns the CloneSet.
 */
export async function writeStatus(
  deps: CloneSetRun,
  cs: CloneSet,
  next: CloneSetStatus,
  specReplicas: number,
): Promise<boolean> {
  const previous = cs.status;
  if (!(await patchStatusIfChanged(deps.client, CloneSetKind, cs, next))) return false;
  publishStatusSteps(deps, cs, previous, next, specReplicas);
  return true;
}

function publishStatusSteps(
  deps: CloneSetRun,
  cs: CloneSet,
  previous: CloneSetStatus | undefined,
  next: CloneSetStatus,
  specReplicas: number,
): void {
  const bus = deps.bus;
  if (bus === undefined) return;
  // A subset of a UnitedDeployment: wake the owner so its status follows at once.
  const subsetEvent = subsetStatusChangedEvent(BUS_KIND, cs, next);
  if (subsetEvent !== undefined) bus.publish(subsetEvent);
  const uid = cs.metadata?.uid ?? "";
  const base = cloneSetEventSource(cs);
  const prevReplicas = previous?.replicas ?? 0;
  const replicas = next.replicas ?? 0;
  if (prevReplicas !== replicas) {
    bus.publish({
      ...base,
      event: CloneSetBusEvent.Scaled,
      id: scaledId(uid, cs.metadata?.generation ?? 0, prevReplicas, replicas),
      data: { from: prevReplicas, to: replicas, desired: specReplicas },
    });
  }
  const revision = next.updateRevision ?? "";
  const updated = next.updatedReplicas ?? 0;
  const updatedAvailable = next.updatedAvailableReplicas ?? 0;
  const progressed =
    previous?.updateRevision !== revision ||
    (previous.updatedReplicas ?? 0) !== updated ||
    (previous.updatedAvailableReplicas ?? 0) !== updatedAvailable;
  if (progressed && previous?.updateRevision !== undefined) {
    bus.publish({
      ...base,
      event: CloneSetBusEvent.RolloutProgress,
      id: rolloutProgressId(uid, revision, updated, updatedAvailable),
      data: {
        revision,
        updatedReplicas: updated,
        updatedReadyReplicas: next.updatedReadyReplicas ?? 0,
        updatedAvailableReplicas: updatedAvailable,
        expectedUpdatedReplicas: next.expectedUpdatedReplicas ?? 0,
        replicas: specReplicas,
      },
    });
  }
  const complete = (s: CloneSetStatus | undefined): boolean =>
    s !== undefined &&
    s.updateRevision === s.currentRevision &&
    (s.updatedAvailableReplicas ?? 0) >= specReplicas &&
    (s.replicas ?? 0) === specReplicas;
  if (complete(next) && !(complete(previous) && previous?.updateRevision === revision)) {
    bus.publish({
      ...base,
      event: CloneSetBusEvent.RolloutComplete,
      id: rolloutCompleteId(uid, revision),
      data: { revision, replicas: specReplicas },
    });
  }
}
