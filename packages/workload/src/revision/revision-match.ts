import type { Pod } from "kubernetes-types/core/v1.js";
import { CONTROLLER_REVISION_HASH_LABEL, POD_TEMPLATE_HASH_LABEL } from "../keys.ts";

/** The hash part of a revision name: everything after the last "-" (the whole string if there is none). */
export function shortHash(revision: string): string {
  const i = revision.lastIndexOf("-");
  return i < 0 ? revision : revision.slice(i + 1);
}

/** The revision a pod carries in its controller-revision-hash label ("" when missing). */
export function podRevision(pod: Pod): string {
  return pod.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "";
}

/**
 * Whether a pod is at `revision`. Labels may hold the full name or only the short hash (CloneSetShortHash),
 * so equal suffixes count too.
 */
export function isPodAtRevision(pod: Pod, revision: string): boolean {
  const label = podRevision(pod);
  return label === revision || shortHash(label) === shortHash(revision);
}

/** The revision labels to write on a pod: the revision (full or short) and always the short pod-template-hash. */
export function revisionLabels(revision: string, useShortHash = false): Record<string, string> {
  const short = shortHash(revision);
  return {
    [CONTROLLER_REVISION_HASH_LABEL]: useShortHash ? short : revision,
    [POD_TEMPLATE_HASH_LABEL]: short,
  };
}

/** Splits pods into those at `revision` and the rest, keeping their order. */
export function splitPodsByRevision(
  pods: readonly Pod[],
  revision: string,
): { updated: Pod[]; notUpdated: Pod[] } {
  const updated: Pod[] = [];
  const notUpdated: Pod[] = [];
  for (const pod of pods) (isPodAtRevision(pod, revision) ? updated : notUpdated).push(pod);
  return { updated, notUpdated };
}
