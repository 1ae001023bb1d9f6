import type { PolicyRule, Role } from "kubernetes-types/rbac/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

/**
 * Rules that hold in one namespace only (a Role there, not a ClusterRole): what a controller may do to objects
 * that live in a namespace it knows by name, such as the namespace where it keeps copies of Secrets.
 */
export interface NamespacedRules {
  namespace: string;
  rules: readonly PolicyRule[];
}

/** A Role whose name and namespace are always set, so a RoleBinding can refer to it without a check. */
export type NamedRole = Role & { metadata: ObjectMeta & { name: string; namespace: string } };

/**
 * The Role manifest that grants `scoped.rules` in `scoped.namespace`. Guarantees: the rules are copied, so whoever
 * applies or edits the manifest cannot change the constant a controller declares its permissions in.
 */
export function namespacedRole(
  name: string,
  scoped: NamespacedRules,
  labels?: Record<string, string>,
): NamedRole {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: {
      name,
      namespace: scoped.namespace,
      ...(labels === undefined ? {} : { labels: { ...labels } }),
    },
    rules: scoped.rules.map((rule) => structuredClone(rule)),
  };
}
