import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { Kind } from "@kruise/sdk";

// Core kinds this controller reads or writes. The SDK knows no kinds, so each app names the ones it uses.
export const PodKind: Kind<Pod> = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true };
export const NodeKind: Kind<Node> = {
  group: "",
  version: "v1",
  kind: "Node",
  plural: "nodes",
  namespaced: false,
};
