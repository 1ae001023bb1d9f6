import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * Cluster-wide, the agent reads NodeImages (its informer asks only for its own node's, by field selector) and
 * writes their status. The chart cannot narrow a ClusterRole to "the node this pod runs on"; a node's agent that
 * wrote another node's status would be overwritten by that node's own agent at its next change.
 */
export const KRUISE_DAEMON_CLUSTER_RULES: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
];

/** In its secret namespace only (a Role, not a ClusterRole): the pull secrets the ImagePullJob controller copied there. */
export const KRUISE_DAEMON_SECRET_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] },
];
