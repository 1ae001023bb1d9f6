import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { GROUP } from "@kruise/api";
import { CONTROLLER_RUNTIME_RULES, READ_VERBS, reconciledKindRules } from "@kruise/sdk";
import { INJECTION_POLICY_NAME } from "./webhook/injection-policy.ts";
import { WEBHOOK_CONFIGURATION_NAME, WEBHOOK_SECRET_NAME } from "./webhook/names.ts";

const ADMISSION_OBJECTS = [
  "mutatingwebhookconfigurations",
  "validatingadmissionpolicies",
  "validatingadmissionpolicybindings",
];

/**
 * Everything the SidecarSet controller may touch, in one place (the chart renders its ClusterRole from this). It
 * reads SidecarSets, namespaces and pods, patches pods (in-place sidecar upgrades and the SidecarSetUpgradable
 * condition), owns SidecarSet status, keeps revisions, Events and its leader Lease. Of Secrets and admission
 * objects it can read and change only its own, by name (create cannot be narrowed by name in RBAC).
 */
export const rbacRules: readonly PolicyRule[] = [
  ...reconciledKindRules(GROUP, "sidecarsets"),
  { apiGroups: [""], resources: ["pods"], verbs: [...READ_VERBS, "patch"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["namespaces"], verbs: [...READ_VERBS] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ_VERBS, "create", "patch", "delete"],
  },
  { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
  {
    apiGroups: [""],
    resources: ["secrets"],
    resourceNames: [WEBHOOK_SECRET_NAME],
    verbs: ["get", "list", "watch", "update"],
  },
  { apiGroups: ["admissionregistration.k8s.io"], resources: ADMISSION_OBJECTS, verbs: ["create"] },
  {
    apiGroups: ["admissionregistration.k8s.io"],
    resources: ADMISSION_OBJECTS,
    resourceNames: [...new Set([WEBHOOK_CONFIGURATION_NAME, INJECTION_POLICY_NAME])],
    verbs: ["get", "update"],
  },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];
