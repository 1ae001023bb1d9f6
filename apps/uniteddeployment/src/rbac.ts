// The UnitedDeployment controller's permissions, in one place: the Helm chart renders this ClusterRole, and the
// end-to-end tests bind exactly these rules to the identity the controller runs as.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { clusterRole, type NamedClusterRole } from "@kruise/sdk";

const READ = ["get", "list", "watch"];
// Subset workloads are created, rewritten whole (update) and deleted; never patched.
const SUBSET = [...READ, "create", "update", "delete"];

export const rbacRules: readonly PolicyRule[] = [
  { apiGroups: ["apps.kruise.io"], resources: ["uniteddeployments"], verbs: READ },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["uniteddeployments/status"],
    verbs: ["get", "update", "patch"],
  },
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets", "statefulsets"], verbs: SUBSET },
  { apiGroups: ["apps"], resources: ["statefulsets", "deployments"], verbs: SUBSET },
  // Pods are read (the updated and pending counts come from them) and, in reserve mode, patched: only their
  // apps.kruise.io/united-deployment-reserved-pod label.
  { apiGroups: [""], resources: ["pods"], verbs: [...READ, "patch"] },
  {
    apiGroups: ["apps"],
    resources: ["controllerrevisions"],
    verbs: [...READ, "create", "update", "patch", "delete"],
  },
  { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "update", "patch"] },
  // Leader election.
  {
    apiGroups: ["coordination.k8s.io"],
    resources: ["leases"],
    verbs: ["get", "list", "watch", "create", "update", "patch"],
  },
];

export function unitedDeploymentControllerClusterRole(
  name = "kruise-uniteddeployment-controller",
): NamedClusterRole {
  return clusterRole(name, rbacRules, {
    "app.kubernetes.io/name": "kruise",
    "app.kubernetes.io/component": "uniteddeployment-controller",
  });
}
