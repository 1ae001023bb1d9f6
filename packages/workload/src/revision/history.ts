import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION } from "../keys.ts";
import { equalRevisionData } from "./revision-data.ts";
import { isPodAtRevision } from "./revision-match.ts";

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

/** Oldest first: by revision number, then creation time, then name (Kubernetes' history order). */
export function sortRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata?.creationTimestamp ?? "";
    const tb = b.metadata?.creationTimestamp ?? "";
    if (ta !== tb) return ta < tb ? -1 : 1;
    const na = a.metadata?.name ?? "";
    const nb = b.metadata?.name ?? "";
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}

/** One more than the highest revision number, or 1 for an empty history. */
export function nextRevisionNumber(revisions: readonly ControllerRevision[]): number {
  let max = 0;
  for (const r of revisions) max = Math.max(max, r.revision);
  return max + 1;
}

/**
 * How to obtain the update revision given the existing history and a freshly built candidate:
 * - "reuse": the newest revision already records this state — nothing to write;
 * - "bump": an older revision records it (a rollback) — give that revision the candidate's number so it
 *   becomes the newest again, instead of creating a duplicate; `annotations` says what to refresh on it;
 * - "create": nothing records it yet.
 */
export type UpdateRevisionPlan =
  | { readonly action: "reuse"; readonly revision: ControllerRevision }
  | {
      readonly action: "bump";
      readonly revision: ControllerRevision;
      readonly newRevisionNumber: number;
      readonly annotations?: Record<string, string>;
    }
  | { readonly action: "create"; readonly revision: ControllerRevision };

export function planUpdateRevision(
  history: readonly ControllerRevision[],
  candidate: ControllerRevision,
): UpdateRevisionPlan {
  const sorted = sortRevisions(history);
  const equal = sorted.filter((r) => equalRevisionData(r, candidate));
  const latest = sorted[sorted.length - 1];
  const lastEqual = equal[equal.length - 1];
  if (lastEqual === undefined || latest === undefined) return { action: "create", revision: candidate };
  if (equalRevisionData(latest, lastEqual)) return { action: "reuse", revision: latest };
  // A volumeClaimTemplates-only change makes no new revision, but the recorded VCT hash must follow it.
  const wantVct = candidate.metadata?.annotations?.[VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION];
  const haveVct = lastEqual.metadata?.annotations?.[VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION];
  const annotations =
    wantVct !== undefined && wantVct !== haveVct
      ? { [VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION]: wantVct }
      : undefined;
  return {
    action: "bump",
    revision: lastEqual,
    newRevisionNumber: candidate.revision,
    ...(annotations !== undefined ? { annotations } : {}),
  };
}

/** The current revision: the one the status names, or the update revision when the status names none that exists. */
export function findCurrentRevision(
  history: readonly ControllerRevision[],
  statusCurrentRevision: string | undefined,
  updateRevision: ControllerRevision,
): ControllerRevision {
  if (statusCurrentRevision !== undefined && statusCurrentRevision !== "") {
    const found = history.find((r) => r.metadata?.name === statusCurrentRevision);
    if (found !== undefined) return found;
  }
  return updateRevision;
}

export interface TruncateInput {
  readonly history: readonly ControllerRevision[];
  readonly currentRevision: string;
  readonly updateRevision: string;
  /** Pods still owned by the workload; a revision any of them carries is kept. */
  readonly pods: readonly Pod[];
  readonly revisionHistoryLimit?: number;
}

/**
 * Revisions to delete so that at most revisionHistoryLimit unused ones remain, oldest first. The current and
 * update revisions and any revision a pod still carries are never deleted and do not count against the limit.
 */
export function revisionsToTruncate(input: TruncateInput): ControllerRevision[] {
  const limit = Math.max(input.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT, 0);
  const unused = sortRevisions(input.history).filter((r) => {
    const name = r.metadata?.name ?? "";
    if (name === input.currentRevision || name === input.updateRevision) return false;
    return !input.pods.some((p) => isPodAtRevision(p, name));
  });
  return unused.length <= limit ? [] : unused.slice(0, unused.length - limit);
}
