import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
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
  { apiGroups: ["apps.kruise.io"], resources: ["sidecarsets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["sidecarsets/status"], verbs: ["get", "update", "patch"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] },
  { apiGroups: [""], resources: ["pods/status"], verbs: ["patch"] },
  { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list", "watch"] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: ["get", "list", "watch", "create", "patch", "delete"],
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
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
