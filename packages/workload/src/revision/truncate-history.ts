import { ControllerRevisionKind, ignoreNotFound, type Client } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { sortRevisions, type RevisionLike } from "./history.ts";
import { isPodAtRevision } from "./revision-match.ts";
import type { RevisionState } from "./revision-sync.ts";

/** spec.revisionHistoryLimit when a workload sets none (every OpenKruise workload and Kubernetes agree on 10). */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/**
 * What a controller's revisionHistoryLimit counts, and so how many revisions go (the controllers differ, and an
 * OpenKruise user sees the difference in `kubectl get controllerrevisions`):
 * - "unused": only revisions nothing uses; the oldest unused beyond the limit go (CloneSet, StatefulSet:
 *   Kubernetes' truncateHistory);
 * - "all": every revision in `history`; as many as exceed the limit go, taken from the oldest unused ones
 *   (DaemonSet over its old revisions: cleanupHistory; SidecarSet: truncateHistory);
 * - "oldest": every revision in `history`; of the oldest ones that exceed the limit, the unused go and an in-use one
 *   stays in its place, so fewer go (UnitedDeployment: cleanExpiredRevision).
 */
export type HistoryLimitRule = "unused" | "all" | "oldest";

/** One controller's view of its history: its revisions, which of them are in use, and how its limit counts. */
export interface HistoryTruncation<R extends RevisionLike = RevisionLike> {
  /** The owner's revisions, in any order. */
  readonly history: readonly R[];
  /** A revision in use is never deleted (the controller's adapter: the live revisions, those its pods carry …). */
  readonly inUse: (revision: R) => boolean;
  /** spec.revisionHistoryLimit; undefined means DEFAULT_REVISION_HISTORY_LIMIT. */
  readonly revisionHistoryLimit: number | undefined;
  readonly rule: HistoryLimitRule;
  /** A smaller limit counts as this one (SidecarSet: 1). Default 0. */
  readonly minimumLimit?: number;
}

/**
 * The revisions to delete, oldest first (by revision number, then creation time, then name).
 *
 * Guarantees:
 * - pure: reads only its input;
 * - never returns a revision `inUse` accepts, whatever the limit;
 * - returns nothing when the history is within the limit (a converged owner deletes nothing).
 *
 * Caveats:
 * - when the in-use revisions alone exceed the limit, more than the limit remain;
 * - `history` must be the owner's revisions only: the function cannot tell whose a revision is.
 */
export function revisionsToDelete<R extends RevisionLike>(truncation: HistoryTruncation<R>): R[] {
  const limit = Math.max(
    truncation.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
    truncation.minimumLimit ?? 0,
    0,
  );
  const sorted = sortRevisions(truncation.history);
  const unused = (r: R): boolean => !truncation.inUse(r);
  switch (truncation.rule) {
    case "unused": {
      const candidates = sorted.filter(unused);
      return candidates.slice(0, Math.max(candidates.length - limit, 0));
    }
    case "all":
      return sorted.filter(unused).slice(0, Math.max(sorted.length - limit, 0));
    case "oldest":
      return sorted.slice(0, Math.max(sorted.length - limit, 0)).filter(unused);
  }
}

/**
 * Deletes what revisionsToDelete selects, one at a time, oldest first.
 *
 * Guarantees:
 * - each delete carries the revision's uid as a precondition: a revision deleted and recreated under the same name
 *   since the cache showed it (a rollback to that template) is never deleted;
 * - a revision already gone (NotFound) counts as deleted; any other error stops the truncation and is thrown, so the
 *   reconcile retries (what was deleted stays deleted; the rest go next time).
 *
 * Caveats:
 * - reads nothing: `history` comes from the caller (normally the cache), so a revision created since is not seen
 *   until the next reconcile.
 */
export async function truncateHistory<R extends RevisionLike>(
  client: Client,
  truncation: HistoryTruncation<R>,
): Promise<void> {
  for (const revision of revisionsToDelete(truncation)) {
    const meta = revision.metadata;
    await client
      .delete(ControllerRevisionKind, meta?.name ?? "", meta?.namespace, {
        preconditions: { uid: meta?.uid ?? "" },
      })
      .catch(ignoreNotFound);
  }
}

/**
 * The in-use rule of a workload whose pods carry their revision in controller-revision-hash (CloneSet, StatefulSet,
 * DaemonSet): the revisions named (current, update) and every revision a pod is at (full name or short hash).
 */
export function usedByPods(
  named: readonly string[],
  pods: readonly Pod[],
): (revision: RevisionLike) => boolean {
  return (revision) => {
    const name = revision.metadata?.name ?? "";
    return named.includes(name) || pods.some((pod) => isPodAtRevision(pod, name));
  };
}

/**
 * Kubernetes' StatefulSet rule, which OpenKruise's CloneSet and Advanced StatefulSet keep: the current and update
 * revisions and every revision a pod is at are in use, and the limit counts only the others.
 */
export function workloadHistory(
  revisions: RevisionState,
  pods: readonly Pod[],
  revisionHistoryLimit: number | undefined,
): HistoryTruncation {
  return {
    history: revisions.history,
    inUse: usedByPods(
      [revisions.currentRevision.metadata?.name ?? "", revisions.updateRevision.metadata?.name ?? ""],
      pods,
    ),
    revisionHistoryLimit,
    rule: "unused",
  };
}
