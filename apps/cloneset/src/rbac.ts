// The CloneSet controller's permissions, in one place: the Helm chart renders this ClusterRole, and the
// end-to-end tests bind exactly these rules to the identity the controller runs as.

import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import {
  componentClusterRole,
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  type NamedClusterRole,
} from "@kruise/sdk";

export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets"], verbs: [...READ_VERBS, "update", "patch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "create", "update", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
  // In-place vertical scaling: container resources of a running pod change only through this subresource.
  { apiGroups: [""], resources: ["pods/resize"], verbs: ["patch"] },
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: [...READ_VERBS, "create", "update", "patch", "delete"],
  },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ_VERBS, "create", "update", "patch", "delete"],
  },
  // Node labels only: scale-down ranks pods by topologySpreadConstraints domain.
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ_VERBS] },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

export function cloneSetControllerClusterRole(name = "kruise-cloneset-controller"): NamedClusterRole {
  return componentClusterRole(name, rbacRules, { app: "kruise", component: "cloneset-controller" });
}
