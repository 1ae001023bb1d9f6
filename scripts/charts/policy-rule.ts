// The shape of one RBAC rule as the apps declare it (rbac.authorization.k8s.io/v1 PolicyRule, the parts we use).

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  /** Narrows the rule to these object names (kept: dropping it would widen the grant). */
  resourceNames?: string[];
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/** True when `value` has string arrays for apiGroups, resources and verbs: how an exported rule list is recognised. */
export function looksLikePolicyRule(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const rule = value as Record<string, unknown>;
  return isStringArray(rule["apiGroups"]) && isStringArray(rule["resources"]) && isStringArray(rule["verbs"]);
}

/**
 * A plain copy with the fields in a fixed order, so the YAML we write does not depend on how the app spelled it.
 * The order is alphabetical (apiGroups, resourceNames, resources, verbs): Helm's toYaml sorts map keys, so this is
 * the order the rendered ClusterRole and Role have, and a rule reads the same in rbac/*.yaml as in `helm template`.
 */
export function normalizeRule(rule: PolicyRule): PolicyRule {
  return {
    apiGroups: [...rule.apiGroups],
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
    resources: [...rule.resources],
    verbs: [...rule.verbs],
  };
}
