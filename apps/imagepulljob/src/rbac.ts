import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * The ImagePullJob and NodeImage controllers (one binary): they read nodes and pods (podSelector), own NodeImages
 * (create, label, write tags, delete with the node), own ImagePullJob status and finalizer, delete finished jobs
 * after their TTL, and write Events and their leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["imagepulljobs"],
    verbs: ["get", "list", "watch", "update", "patch", "delete"],
  },
  { apiGroups: ["apps.kruise.io"], resources: ["imagepulljobs/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["nodeimages"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
