// Splits a controller's rules by where they have to apply. Everything a controller reconciles lives in any
// namespace, so most rules go to a ClusterRole; the leader Lease lives only in the release namespace, so Lease
// rules go to a Role there (invariant 7: a controller touches only what it needs).
import type { PolicyRule } from "./policy-rule.ts";

export interface ScopedRules {
  cluster: PolicyRule[];
  releaseNamespace: PolicyRule[];
}

const isLeaseRule = (rule: PolicyRule): boolean =>
  rule.apiGroups.length === 1 &&
  rule.apiGroups[0] === "coordination.k8s.io" &&
  rule.resources.every((resource) => resource === "leases" || resource.startsWith("leases/"));

/** Keeps the order of the source; a rule that mixes Leases with anything else stays cluster-wide as written. */
export function scopeRules(rules: readonly PolicyRule[]): ScopedRules {
  return {
    cluster: rules.filter((rule) => !isLeaseRule(rule)),
    releaseNamespace: rules.filter(isLeaseRule),
  };
}
