import { UnitedDeploymentKind, type UnitedDeployment } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  revisionOwner,
  syncRevisions,
  unitedDeploymentRevisionData,
  unitedDeploymentRevisionLabels,
  type HistoryTruncation,
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
 * OpenKruise's cleanExpiredRevision: the limit counts every revision, live ones too; of the oldest ones beyond it,
 * all but the current and update revisions go.
 */
export function unitedHistory(ud: UnitedDeployment, revisions: RevisionState): HistoryTruncation {
  const live = [revisions.currentRevision.metadata?.name, revisions.updateRevision.metadata?.name];
  return {
    history: revisions.history,
    inUse: (revision) => live.includes(revision.metadata?.name),
    revisionHistoryLimit: ud.spec?.revisionHistoryLimit,
    rule: "oldest",
  };
}
