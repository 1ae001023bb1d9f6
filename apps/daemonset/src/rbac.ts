import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import {
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  reconciledKindRules,
  type NamedClusterRole,
} from "@kruise/sdk";
import { kruiseControllerClusterRole, POD_OWNER_RULES, REVISION_HISTORY_RULE } from "@kruise/workload";

/**
 * Everything the Advanced DaemonSet controller may touch (the chart renders its ClusterRole from this): it reads
 * Nodes, creates, updates (in place) and deletes pods and writes their status conditions (InPlaceUpdateReady),
 * keeps ControllerRevisions, owns DaemonSet status, and writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "daemonsets"),
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ_VERBS] },
  ...POD_OWNER_RULES,
  REVISION_HISTORY_RULE,
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

/** The ClusterRole the chart and the crash test bind the controller's ServiceAccount to. */
export function daemonSetControllerClusterRole(name?: string): NamedClusterRole {
  return kruiseControllerClusterRole("daemonset-controller", rbacRules, name);
}
