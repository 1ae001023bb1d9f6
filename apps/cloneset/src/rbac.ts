// The CloneSet controller's permissions, in one place: the Helm chart renders this ClusterRole, and the
// end-to-end tests bind exactly these rules to the identity the controller runs as.

import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { clusterRole, type NamedClusterRole } from "@kruise/sdk";

const READ = ["get", "list", "watch"];

export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets"], verbs: [...READ, "update", "patch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: [...READ, "create", "update", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: [...READ, "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ, "create", "update", "patch", "delete"],
  },
  // Node labels only: scale-down ranks pods by topologySpreadConstraints domain.
  { apiGroups: [""], resources: ["nodes"], verbs: READ },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "update", "patch"] },
  // Leader election.
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["get", "list", "watch", "create", "update", "patch"],
  },
];

export function cloneSetControllerClusterRole(name = "kruise-cloneset-controller"): NamedClusterRole {
  return clusterRole(name, rbacRules, {
    "app.kubernetes.io/name": "kruise",
    "app.kubernetes.io/component": "cloneset-controller",
  });
}
