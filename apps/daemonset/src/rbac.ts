import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { clusterRole, type NamedClusterRole } from "@kruise/sdk";

/**
 * Everything the Advanced DaemonSet controller may touch (the chart renders its ClusterRole from this): it reads
 * Nodes, creates, updates (in place) and deletes pods and writes their status conditions (InPlaceUpdateReady),
 * keeps ControllerRevisions, owns DaemonSet status, and writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["daemonsets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["daemonsets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: [""],
    resources: ["pods"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];

/** The ClusterRole the chart and the crash test bind the controller's ServiceAccount to. */
export function daemonSetControllerClusterRole(name = "kruise-daemonset-controller"): NamedClusterRole {
  return clusterRole(name, rbacRules, {
    "app.kubernetes.io/name": "kruise",
    "app.kubernetes.io/component": "daemonset-controller",
  });
}
