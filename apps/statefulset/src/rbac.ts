// The Advanced StatefulSet controller's permissions, in one place: the Helm chart renders this ClusterRole, and
// the end-to-end tests bind exactly these rules to the identity the controller runs as.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import {
  componentClusterRole,
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  type NamedClusterRole,
} from "@kruise/sdk";

export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["statefulsets"], verbs: [...READ_VERBS] },
  { apiGroups: ["apps.kruise.io"], resources: ["statefulsets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "create", "update", "patch", "delete"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
  // Claims are created, re-owned for the retention policy and deleted, never updated whole.
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: [...READ_VERBS, "create", "patch", "delete"],
  },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ_VERBS, "create", "update", "patch", "delete"],
  },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

export function statefulSetControllerClusterRole(name = "kruise-statefulset-controller"): NamedClusterRole {
  return componentClusterRole(name, rbacRules, { app: "kruise", component: "statefulset-controller" });
}
