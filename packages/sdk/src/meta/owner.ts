import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { KubeObject } from "../client/types.ts";
import type { ReadOnly } from "../informer/read-only.ts";
import type { Kind } from "../kind.ts";
import { apiVersionOf } from "../kind.ts";

/**
 * The controller ownerReference `owner` puts on what it creates (controller-runtime's SetControllerReference):
 * `controller: true` and `blockOwnerDeletion: true`, so garbage collection waits for the owned object.
 *
 * Guarantees: apiVersion and kind come from `kind`, never from the (possibly trimmed) cached object.
 */
export function controllerRef(kind: Kind, owner: ReadOnly<KubeObject>): OwnerReference {
  return {
    apiVersion: apiVersionOf(kind),
    kind: kind.kind,
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The ownerReference marked `controller: true` (metav1.GetControllerOf), or undefined. With `kind`, only a
 * reference to that kind's group and kind counts (any version of the group: a v1alpha1 owner and a v1beta1 one are
 * the same object).
 */
export function controllerOf(obj: ReadOnly<KubeObject>, kind?: Kind): ReadOnly<OwnerReference> | undefined {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (ref === undefined || kind === undefined) return ref;
  const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
  return ref.kind === kind.kind && group === kind.group ? ref : undefined;
}
