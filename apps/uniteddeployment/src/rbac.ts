// The UnitedDeployment controller's permissions, in one place: the Helm chart renders this ClusterRole, and the
// end-to-end tests bind exactly these rules to the identity the controller runs as.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import {
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  reconciledKindRules,
  type NamedClusterRole,
} from "@kruise/sdk";
import { kruiseControllerClusterRole, REVISION_HISTORY_RULE } from "@kruise/workload";

// Subset workloads are created, rewritten whole (update) and deleted; never patched.
const SUBSET = [...READ_VERBS, "create", "update", "delete"];

export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "uniteddeployments"),
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets", "statefulsets"], verbs: SUBSET },
  { apiGroups: ["apps"], resources: ["statefulsets", "deployments"], verbs: SUBSET },
  // Pods are read (the updated and pending counts come from them) and, in reserve mode, patched: only their
  // apps.kruise.io/united-deployment-reserved-pod label.
  { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "patch"] },
  REVISION_HISTORY_RULE,
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

export function unitedDeploymentControllerClusterRole(name?: string): NamedClusterRole {
  return kruiseControllerClusterRole("uniteddeployment-controller", rbacRules, name);
}
