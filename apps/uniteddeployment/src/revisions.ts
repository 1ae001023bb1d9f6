import { UnitedDeploymentKind, type UnitedDeployment } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import { ignoreNotFound, ControllerRevisionKind } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  DEFAULT_REVISION_HISTORY_LIMIT,
  revisionOwner,
  sortRevisions,
  syncRevisions,
  unitedDeploymentRevisionData,
  unitedDeploymentRevisionLabels,
  type RevisionState,
} from "@kruise/workload";

/** Finds or records the UnitedDeployment's update revision (its whole subset template) and its current one. */
export function syncUnitedRevisions(
  client: Client,
  ud: UnitedDeployment,
  history: readonly ControllerRevision[],
): Promise<RevisionState> {
  return syncRevisions(
    client,
    {
      owner: revisionOwner(UnitedDeploymentKind, ud),
      template: {},
      data: unitedDeploymentRevisionData(ud),
      labels: unitedDeploymentRevisionLabels(ud),
      collisionCount: ud.status?.collisionCount ?? 0,
      currentRevision: ud.status?.currentRevision,
    },
    history,
  );
}

/**
 * Deletes the oldest revisions beyond `revisionHistoryLimit`, never the current or updated one (OpenKruise's
 * cleanExpiredRevision: the limit counts every revision, live ones included).
 */
export async function truncateUnitedHistory(
  client: Client,
  ud: UnitedDeployment,
  history: readonly ControllerRevision[],
  live: readonly string[],
): Promise<void> {
  const sorted = sortRevisions(history);
  const exceed = sorted.length - (ud.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT);
  for (const [i, revision] of sorted.entries()) {
    if (i >= exceed) break;
    const name = revision.metadata?.name ?? "";
    if (live.includes(name)) continue;
    await client.delete(ControllerRevisionKind, name, ud.metadata?.namespace ?? "").catch(ignoreNotFound);
  }
}
