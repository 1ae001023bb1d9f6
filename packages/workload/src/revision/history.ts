import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION } from "../keys.ts";
import { equalRevisionData } from "./revision-data.ts";

/** What ordering and deleting a revision reads of it (a cached, read-only ControllerRevision is one). */
export interface RevisionLike {
  readonly revision: number;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly creationTimestamp?: string;
  };
}

/** Oldest first: by revision number, then creation time, then name (Kubernetes' history order). */
export function sortRevisions<R extends RevisionLike>(revisions: readonly R[]): R[] {
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
