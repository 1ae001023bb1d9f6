import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import type { NamespacedRules } from "@kruise/sdk";

/**
 * Cluster-wide, the agent reads NodeImages (its informer asks only for its own node's, by field selector) and
 * writes their status. The chart cannot narrow a ClusterRole to "the node this pod runs on"; a node's agent that
 * wrote another node's status would be overwritten by that node's own agent at its next change.
 *
 * Pods: the containermeta agent lists and watches only its own node's (field selector `spec.nodeName`; RBAC cannot
 * express that either) and writes its report, the runtime-containers-meta annotation, through `pods/status` as
 * OpenKruise does: the status subresource keeps the pod's spec as it is, so unlike `pods` patch this cannot change
 * what a pod runs. No `get` of single pods is needed (it reads from its informer) and nothing else is written.
 */
export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
];

/** In kruise-daemon-config only (a Role, not a ClusterRole): the pull secrets the ImagePullJob controller copied there. */
export const rbacNamespacedRules: readonly NamespacedRules[] = [
  {
    namespace: KRUISE_DAEMON_CONFIG_NAMESPACE,
    rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }],
  },
];
