/**
 * OpenKruise's volumeClaimTemplates hash (`kruise.io/cloneset-volumeclaimtemplate-hash` on each CloneSet revision):
 * how a revision remembers the claim templates its pods were made with, since the revision data is the pod template
 * alone. With RecreatePodWhenChangeVCTInCloneSetGate, an update between two revisions whose hashes differ recreates
 * the pods (and so their claims) instead of updating them in place.
 */
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import { VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION } from "../keys.ts";
import { deepHashPrint, fnv1aHash32 } from "../revision/hash.ts";
import { defaultVolumeClaimTemplate } from "../template/pod-template-defaults.ts";
import { typedJson } from "../template/typed-encoding.ts";

const encoder = new TextEncoder();

/**
 * The annotation value for a workload's volumeClaimTemplates as stored: "" without templates, else the decimal
 * FNV-1a 32 hash OpenKruise computes. Each template is defaulted as OpenKruise's webhook defaults it, cut to its
 * name and spec (labels, annotations and status do not count), sorted by name, encoded as Go encodes a
 * `[]PersistentVolumeClaim`, and those bytes hashed the way Kubernetes' DeepHashObject prints a byte slice.
 *
 * Guarantees: equal to OpenKruise's value for templates of fields its k8s.io/api knows (the vct-golden test checks
 * it against tools/revision-hash). Deterministic; the input is not modified.
 */
export function volumeClaimTemplatesHash(templates: readonly PersistentVolumeClaim[] | undefined): string {
  if (templates === undefined || templates.length === 0) return "";
  const claims = templates
    .map((t) => defaultVolumeClaimTemplate(t))
    .map((t) => ({ metadata: { name: t.metadata?.name ?? "" }, spec: t.spec }))
    // Array.prototype.sort is stable, as Go's sort.SliceStable.
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const data = `[${claims.map((c) => typedJson(c, "v1.PersistentVolumeClaim")).join(",")}]`;
  return String(fnv1aHash32(encoder.encode(deepHashPrint(encoder.encode(data)))));
}

/**
 * Whether an update from one revision to another may keep the pods' claims (OpenKruise's
 * CanVCTemplateInplaceUpdate): yes unless both revisions record a hash and the hashes differ. A revision without the
 * annotation (recorded before the feature, or by a controller that does not write it) never forces a recreate.
 */
export function claimTemplatesUnchanged(
  from: ControllerRevision | undefined,
  to: ControllerRevision | undefined,
): boolean {
  const before = from?.metadata?.annotations?.[VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION];
  const after = to?.metadata?.annotations?.[VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION];
  if (before === undefined || after === undefined) return true;
  return before === after;
}
