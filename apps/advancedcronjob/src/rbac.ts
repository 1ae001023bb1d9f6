import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import { CONTROLLER_RUNTIME_RULES, READ_VERBS, reconciledKindRules } from "@kruise/sdk";

/**
 * Everything the AdvancedCronJob controller may touch, in one place: it owns AdvancedCronJob status, creates and
 * deletes Jobs and BroadcastJobs (runs and history), and writes Events and its leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "advancedcronjobs"),
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["broadcastjobs"],
    verbs: [...READ_VERBS, "create", "delete"],
  },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: [...READ_VERBS, "create", "delete"] },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];
