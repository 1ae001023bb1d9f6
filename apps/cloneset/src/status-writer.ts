import type { CloneSet, CloneSetStatus } from "@kruise/api";
import { CloneSetKind } from "@kruise/api";
import type { CloneSetDeps } from "./deps.ts";
import {
  cloneSetEventSource,
  CloneSetEvent,
  rolloutCompleteId,
  rolloutProgressId,
  scaledId,
} from "./events.ts";
import { statusEqual } from "./status.ts";

/**
 * Writes status only when it differs from what the cache holds (deep compare), so a converged CloneSet costs no
 * writes. A merge patch cannot conflict with a concurrent spec change; conditions are sent whole (or null) so a
 * removed condition really goes. Publishes the NATS steps a status change reveals.
 */
export async function writeStatus(
  deps: CloneSetDeps,
  cs: CloneSet,
  next: CloneSetStatus,
  specReplicas: number,
): Promise<boolean> {
  const previous = cs.status;
  if (statusEqual(previous, next)) return false;
  const patch: Record<string, unknown> = { ...next };
  if (next.conditions === undefined || next.conditions.length === 0) patch["conditions"] = null;
  await deps.client.patchStatus(CloneSetKind, cs.metadata?.name ?? "", cs.metadata?.namespace, "merge", {
    status: patch,
  });
  publishStatusSteps(deps, cs, previous, next, specReplicas);
  return true;
}

function publishStatusSteps(
  deps: CloneSetDeps,
  cs: CloneSet,
  previous: CloneSetStatus | undefined,
  next: CloneSetStatus,
  specReplicas: number,
): void {
  const bus = deps.bus;
  if (bus === undefined) return;
  const uid = cs.metadata?.uid ?? "";
  const base = cloneSetEventSource(cs);
  const prevReplicas = previous?.replicas ?? 0;
  const replicas = next.replicas ?? 0;
  if (prevReplicas !== replicas) {
    bus.publish({
      ...base,
      event: CloneSetEvent.Scaled,
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
      event: CloneSetEvent.RolloutProgress,
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
      event: CloneSetEvent.RolloutComplete,
      id: rolloutCompleteId(uid, revision),
      data: { revision, replicas: specReplicas },
    });
  }
}
