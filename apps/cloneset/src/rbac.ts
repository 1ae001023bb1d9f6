// The CloneSet controller's permissions, in one place: the Helm chart renders this ClusterRole, and the
// end-to-end tests bind exactly these rules to the identity the controller runs as.

import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import {
  CONTROLLER_RUNTIME_RULES,
  MANAGE_VERBS,
  READ_VERBS,
  reconciledKindRules,
  type NamedClusterRole,
} from "@kruise/sdk";
import { kruiseControllerClusterRole, POD_OWNER_RULES, REVISION_HISTORY_RULE } from "@kruise/workload";

export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "clonesets", ["update", "patch"]),
  ...POD_OWNER_RULES,
  // In-place vertical scaling: container resources of a running pod change only through this subresource.
  { apiGroups: [""], resources: ["pods/resize"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: [...MANAGE_VERBS] },
  REVISION_HISTORY_RULE,
  // Node labels only: scale-down ranks pods by topologySpreadConstraints domain.
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ_VERBS] },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

export function cloneSetControllerClusterRole(name?: string): NamedClusterRole {
  return kruiseControllerClusterRole("cloneset-controller", rbacRules, name);
}
