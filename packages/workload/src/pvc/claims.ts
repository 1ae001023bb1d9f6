import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { CLONESET_INSTANCE_ID_LABEL } from "../keys.ts";
import { cloneJson } from "../util/json.ts";

/** `<template>-<workload>-<instance id>`, which is `<template>-<pod name>` for CloneSet pods. */
export function claimName(templateName: string, workloadName: string, instanceId: string): string {
  return `${templateName}-${workloadName}-${instanceId}`;
}

export interface ClaimsForInstanceInput {
  readonly templates: readonly PersistentVolumeClaim[];
  readonly workloadName: string;
  readonly namespace: string;
  readonly instanceId: string;
  /** The workload selector's matchLabels, so the claims can be listed like the pods. */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** Controller reference to the workload: PVCs are owned by it, not by the pod, so they outlive a pod. */
  readonly owner?: OwnerReference;
  /** CloneSet labels its claims with the instance id (default); a StatefulSet's ordinal is in the name already. */
  readonly labelInstanceId?: boolean;
}

/** One PVC per volumeClaimTemplate for an instance, keyed by template name (= the pod volume name). */
export function claimsForInstance(input: ClaimsForInstanceInput): Map<string, PersistentVolumeClaim> {
  const claims = new Map<string, PersistentVolumeClaim>();
  for (const template of input.templates) {
    const templateName = template.metadata?.name;
    if (templateName === undefined || templateName === "") continue;
    // Server-set fields (uid, resourceVersion, status) of the template must not leak into a new object.
    const { metadata: templateMeta, spec } = cloneJson(template);
    const { uid: _uid, resourceVersion: _rv, ...meta } = templateMeta ?? {};
    const claim: PersistentVolumeClaim = {
      ...(template.apiVersion !== undefined ? { apiVersion: template.apiVersion } : {}),
      ...(template.kind !== undefined ? { kind: template.kind } : {}),
      metadata: {
        ...meta,
        name: claimName(templateName, input.workloadName, input.instanceId),
        namespace: input.namespace,
        labels: {
          ...(meta.labels ?? {}),
          ...(input.selectorLabels ?? {}),
          ...(input.labelInstanceId === false ? {} : { [CLONESET_INSTANCE_ID_LABEL]: input.instanceId }),
        },
        ...(input.owner !== undefined
          ? { ownerReferences: [...(meta.ownerReferences ?? []), input.owner] }
          : {}),
      },
      ...(spec !== undefined ? { spec } : {}),
    };
    claims.set(templateName, claim);
  }
  return claims;
}

/**
 * The pod's volumes with one persistentVolumeClaim volume per claim (named after its template), replacing
 * any template volume of the same name and keeping the others.
 */
export function volumesWithClaims(
  volumes: readonly Volume[] | undefined,
  claims: ReadonlyMap<string, PersistentVolumeClaim>,
): Volume[] {
  const out: Volume[] = [];
  for (const [templateName, claim] of claims) {
    out.push({
      name: templateName,
      persistentVolumeClaim: { claimName: claim.metadata?.name ?? "", readOnly: false },
    });
  }
  for (const v of volumes ?? []) if (!claims.has(v.name)) out.push(v);
  return out;
}

/** Claims not yet present (by name): create these before the pod, or the pod would stay Pending. */
export function claimsToCreate(
  claims: ReadonlyMap<string, PersistentVolumeClaim>,
  existing: readonly PersistentVolumeClaim[],
): PersistentVolumeClaim[] {
  const names = new Set(existing.map((c) => c.metadata?.name));
  return [...claims.values()].filter((c) => !names.has(c.metadata?.name));
}

export function instanceIdOf(obj: Pod | PersistentVolumeClaim): string | undefined {
  const id = obj.metadata?.labels?.[CLONESET_INSTANCE_ID_LABEL];
  return id === undefined || id === "" ? undefined : id;
}

/** The PVCs to delete along with a pod the controller deletes: those sharing its instance id, not already deleting. */
export function claimsOfPod(pod: Pod, claims: readonly PersistentVolumeClaim[]): PersistentVolumeClaim[] {
  const id = instanceIdOf(pod);
  if (id === undefined) return [];
  return claims.filter((c) => instanceIdOf(c) === id && c.metadata?.deletionTimestamp === undefined);
}
