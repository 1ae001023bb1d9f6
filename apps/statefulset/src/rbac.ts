// The Advanced StatefulSet controller's permissions, in one place: the Helm chart renders this ClusterRole, and
// the end-to-end tests bind exactly these rules to the identity the controller runs as.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import {
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  reconciledKindRules,
  type NamedClusterRole,
} from "@kruise/sdk";
import { kruiseControllerClusterRole, POD_OWNER_RULES, REVISION_HISTORY_RULE } from "@kruise/workload";

export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "statefulsets"),
  ...POD_OWNER_RULES,
  // Claims are created, re-owned for the retention policy and deleted, never updated whole.
  {
    apiGroups: [""],
    resources: ["persistentvolumeclaims"],
    verbs: [...READ_VERBS, "create", "patch", "delete"],
  },
  REVISION_HISTORY_RULE,
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

export function statefulSetControllerClusterRole(name?: string): NamedClusterRole {
  return kruiseControllerClusterRole("statefulset-controller", rbacRules, name);
}
