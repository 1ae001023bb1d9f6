import type { CloneSet } from "@kruise/api";
import { CLONESET_VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION, CloneSetKind, LifecycleState } from "@kruise/api";
import { controllerRef } from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import {
  claimsForInstance,
  newInstancePod,
  templateRevisionSource,
  volumeClaimTemplatesHash,
  type RevisionSource,
} from "@kruise/workload";

/**
 * What CloneSet records as revisions: its template, owned by it, tracked in its status; each revision carries a
 * copy of the CloneSet's annotations and the hash of its volumeClaimTemplates, as OpenKruise writes them (a
 * claims-only change makes no new revision; RecreatePodWhenChangeVCTInCloneSetGate compares the hashes).
 */
export function cloneSetRevisionSource(cs: CloneSet): RevisionSource {
  return {
    ...templateRevisionSource(CloneSetKind, cs),
    annotations: {
      ...(cs.metadata?.annotations ?? {}),
      [CLONESET_VOLUME_CLAIM_TEMPLATE_HASH_ANNOTATION]: volumeClaimTemplatesHash(
        cs.spec?.volumeClaimTemplates,
      ),
    },
  };
}

export interface NewPodOptions {
  readonly revision: string;
  readonly instanceId: string;
  readonly now: number;
  readonly shortHash?: boolean;
}

/** The PVCs of one CloneSet instance (one per volumeClaimTemplate), keyed by template name. */
export function instanceClaims(cs: CloneSet, instanceId: string): Map<string, PersistentVolumeClaim> {
  return claimsForInstance({
    templates: cs.spec?.volumeClaimTemplates ?? [],
    workloadName: cs.metadata?.name ?? "",
    namespace: cs.metadata?.namespace ?? "",
    instanceId,
    selectorLabels: cs.spec?.selector.matchLabels ?? {},
    owner: controllerRef(CloneSetKind, cs),
  });
}

/**
 * A pod for one CloneSet instance from a revision's template (@kruise/workload's newInstancePod). Without a
 * preNormal hook the pod starts Normal (rather than PreparingNormal and a second write once scheduled): there is
 * nothing to wait for, and it saves one API write per pod.
 */
export function newPod(cs: CloneSet, template: PodTemplateSpec, options: NewPodOptions): Pod {
  return newInstancePod({
    template,
    revision: options.revision,
    workloadName: cs.metadata?.name ?? "",
    namespace: cs.metadata?.namespace ?? "",
    instanceId: options.instanceId,
    owner: controllerRef(CloneSetKind, cs),
    claims: instanceClaims(cs, options.instanceId),
    now: options.now,
    useShortHash: options.shortHash === true,
    lifecycleState:
      cs.spec?.lifecycle?.preNormal !== undefined ? LifecycleState.PreparingNormal : LifecycleState.Normal,
  });
}
