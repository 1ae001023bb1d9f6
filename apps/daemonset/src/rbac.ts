import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import {
  componentClusterRole,
  CONTROLLER_RUNTIME_RULES,
  READ_VERBS,
  type NamedClusterRole,
} from "@kruise/sdk";

/**
 * Everything the Advanced DaemonSet controller may touch (the chart renders its ClusterRole from this): it reads
 * Nodes, creates, updates (in place) and deletes pods and writes their status conditions (InPlaceUpdateReady),
 * keeps ControllerRevisions, owns DaemonSet status, and writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["daemonsets"], verbs: [...READ_VERBS] },
  { apiGroups: ["apps.kruise.io"], resources: ["daemonsets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ_VERBS] },
  {
    apiGroups: [""],
    resources: ["pods"],
    verbs: [...READ_VERBS, "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ_VERBS, "create", "update", "patch", "delete"],
  },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

/** The ClusterRole the chart and the crash test bind the controller's ServiceAccount to. */
export function daemonSetControllerClusterRole(name = "kruise-daemonset-controller"): NamedClusterRole {
  return componentClusterRole(name, rbacRules, { app: "kruise", component: "daemonset-controller" });
}
