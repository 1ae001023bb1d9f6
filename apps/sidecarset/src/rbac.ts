import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * Everything the SidecarSet controller may touch, in one place (the chart renders its ClusterRole from this). It
 * reads SidecarSets, namespaces and pods, patches pods (in-place sidecar upgrades and the SidecarSetUpgradable
 * condition), owns SidecarSet status, keeps revisions, its webhook configuration, the injection policy, the
 * webhook certificate Secret, Events and its leader Lease.
 */
export const SIDECARSET_RBAC_RULES: readonly PolicyRule[] = [
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
  { apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch", "create", "update"] },
  {
    apiGroups: ["admissionregistration.k8s.io"],
    resources: [
      "mutatingwebhookconfigurations",
      "validatingadmissionpolicies",
      "validatingadmissionpolicybindings",
    ],
    verbs: ["get", "create", "update"],
  },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
