import type { Kind } from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1.js";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";

/**
 * The core kinds this package writes. Local because @kruise/sdk deliberately knows no kinds and
 * @kruise/api only describes Kruise's own CRDs; if a shared home for core kinds appears, import from it.
 */
export const PodKind: Kind<Pod> = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
export const PersistentVolumeClaimKind: Kind<PersistentVolumeClaim> = {
  group: "",
  version: "v1",
  kind: "PersistentVolumeClaim",
  plural: "persistentvolumeclaims",
  namespaced: true,
};
export const ControllerRevisionKind: Kind<ControllerRevision> = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  plural: "controllerrevisions",
  namespaced: true,
};
