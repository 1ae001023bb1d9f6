import type { ClusterRole, PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

/** A ClusterRole whose name is always set, so a binding can refer to it without a check. */
export type NamedClusterRole = ClusterRole & { metadata: ObjectMeta & { name: string } };

/**
 * The ClusterRole manifest that grants `rules`. The rules are copied, so whoever applies or edits the manifest
 * cannot change the constant a controller declares its permissions in.
 */
export function clusterRole(
  name: string,
  rules: readonly PolicyRule[],
  labels?: Record<string, string>,
): NamedClusterRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: labels === undefined ? { name } : { name, labels: { ...labels } },
    rules: rules.map((rule) => structuredClone(rule)),
  };
}

/** A controller's ClusterRole, labelled as one component of an application (the chart selects on these labels). */
export function componentClusterRole(
  name: string,
  rules: readonly PolicyRule[],
  labels: { app: string; component: string },
): NamedClusterRole {
  return clusterRole(name, rules, {
    "app.kubernetes.io/name": labels.app,
    "app.kubernetes.io/component": labels.component,
  });
}
