import type { ConfigMap, Namespace, Pod } from "kubernetes-types/core/v1.js";
import type { Kind } from "../../src/kind.ts";

export const ConfigMapKind: Kind<ConfigMap> = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
};
export const NamespaceKind: Kind<Namespace> = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
};
export const PodKind: Kind<Pod> = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
