import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * Everything the BroadcastJob controller may touch, in one place (the chart renders its ClusterRole from this).
 * It creates and deletes pods, reads nodes, owns BroadcastJob status, deletes finished jobs after their TTL, and
 * writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["broadcastjobs"], verbs: ["get", "list", "watch", "delete"] },
  { apiGroups: ["apps.kruise.io"], resources: ["broadcastjobs/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
  { apiGroups: [""], resources: ["nodes"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
