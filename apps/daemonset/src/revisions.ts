import type { DaemonSet } from "@kruise/api";
import { CONTROLLER_REVISION_HASH_LABEL, DaemonSetKind } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  shortHash,
  syncRevisions,
  templateRevisionSource,
  usedByPods,
  type HistoryTruncation,
  type RevisionSource,
} from "@kruise/workload";

export interface DaemonRevisions {
  readonly update: ControllerRevision;
  /** The value pods of the update revision carry in controller-revision-hash. */
  readonly hash: string;
  /** Every other revision, oldest first not guaranteed. */
  readonly old: ControllerRevision[];
  readonly collisionCount: number;
}

/** Kubernetes' DaemonSet revisions carry the hash as controller-revision-hash; pods carry the same value. */
export function revisionHash(revision: ControllerRevision): string {
  return (
    revision.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? shortHash(revision.metadata?.name ?? "")
  );
}

/**
 * What an Advanced DaemonSet records: its template as written (OpenKruise does not default an Advanced
 * DaemonSet's template: no webhook defaulting for it), labelled with its own hash as Kubernetes' DaemonSet does.
 * A DaemonSet tracks no current revision: every pod not at the update revision is old.
 */
export function daemonSetRevisionSource(ds: DaemonSet): RevisionSource {
  return {
    ...templateRevisionSource(DaemonSetKind, ds),
    currentRevision: undefined,
    webhookDefaults: false,
    hashLabel: true,
  };
}

/**
 * Kubernetes' constructHistory through the workload kit: the newest revision recording the template is the update
 * revision (an older equal one is renumbered on rollback, so pods of that revision count as updated again);
 * otherwise one is created. Revisions written by OpenKruise or kube-controller-manager are reused when their data is
 * equal, so switching controllers keeps every pod's hash and restarts nothing.
 */
export async function syncDaemonRevisions(
  client: Client,
  ds: DaemonSet,
  history: readonly ControllerRevision[],
): Promise<DaemonRevisions> {
  const state = await syncRevisions(client, daemonSetRevisionSource(ds), history);
  const update = state.updateRevision;
  const name = update.metadata?.name;
  return {
    update,
    hash: revisionHash(update),
    old: history.filter((r) => r.metadata?.name !== name),
    collisionCount: state.collisionCount,
  };
}

/**
 * OpenKruise's cleanupHistory: the limit counts every old revision (the update revision aside), live ones too; the
 * excess goes from the oldest ones no pod carries.
 */
export function daemonHistory(
  ds: DaemonSet,
  revisions: DaemonRevisions,
  pods: readonly Pod[],
): HistoryTruncation {
  return {
    history: revisions.old,
    inUse: usedByPods([], pods),
    revisionHistoryLimit: ds.spec?.revisionHistoryLimit,
    rule: "all",
  };
}
