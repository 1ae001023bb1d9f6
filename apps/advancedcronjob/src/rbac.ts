import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * Everything the AdvancedCronJob controller may touch, in one place: it owns AdvancedCronJob status, creates and
 * deletes Jobs and BroadcastJobs (runs and history), and writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["advancedcronjobs"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["advancedcronjobs/status"],
    verbs: ["get", "update", "patch"],
  },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["broadcastjobs"],
    verbs: ["get", "list", "watch", "create", "delete"],
  },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
