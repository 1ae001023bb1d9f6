import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import { CONTROLLER_RUNTIME_RULES, READ_VERBS, reconciledKindRules } from "@kruise/sdk";

/**
 * Everything the BroadcastJob controller may touch, in one place (the chart renders its ClusterRole from this).
 * It creates and deletes pods, reads nodes, owns BroadcastJob status, deletes finished jobs after their TTL, and
 * writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "broadcastjobs", ["delete"]),
  { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "create", "delete"] },
  { apiGroups: [""], resources: ["nodes"], verbs: [...READ_VERBS] },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];
