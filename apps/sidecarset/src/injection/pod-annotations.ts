// The bookkeeping OpenKruise keeps on an injected pod: per SidecarSet, the hash it was injected or last upgraded
// with (twice: with and without images), and the list of SidecarSets injected.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION } from "@kruise/api";
import { SIDECARSET_HASH_ANNOTATION, SIDECARSET_INJECTED_LIST_ANNOTATION } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";

/** One SidecarSet's entry in the hash annotations (OpenKruise's SidecarSetUpgradeSpec). */
export interface SidecarSetUpgradeSpec {
  updateTimestamp?: string;
  hash: string;
  sidecarSetName: string;
  sidecarList?: string[];
  controllerRevision?: string;
}

/** The annotation's map; tolerates the old `name -> hash` string form and a damaged value (read as empty). */
export function readHashAnnotation(
  pod: ReadOnly<Pod>,
  key: typeof SIDECARSET_HASH_ANNOTATION | typeof SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION,
): Record<string, SidecarSetUpgradeSpec> {
  const raw = pod.metadata?.annotations?.[key];
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as Record<string, SidecarSetUpgradeSpec | string>;
    const out: Record<string, SidecarSetUpgradeSpec> = {};
    for (const [name, v] of Object.entries(parsed))
      out[name] = typeof v === "string" ? { hash: v, sidecarSetName: name } : v;
    return out;
  } catch {
    return {};
  }
}

/** The hash a pod records for SidecarSet `name`, or undefined. */
export function podSidecarSetHash(
  pod: ReadOnly<Pod>,
  name: string,
  key:
    | typeof SIDECARSET_HASH_ANNOTATION
    | typeof SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION = SIDECARSET_HASH_ANNOTATION,
): string | undefined {
  return readHashAnnotation(pod, key)[name]?.hash;
}

/** SidecarSet names in kruise.io/sidecarset-injected-list. */
export function injectedSidecarSets(pod: ReadOnly<Pod>): string[] {
  const raw = pod.metadata?.annotations?.[SIDECARSET_INJECTED_LIST_ANNOTATION];
  return raw ? raw.split(",").filter((s) => s !== "") : [];
}
