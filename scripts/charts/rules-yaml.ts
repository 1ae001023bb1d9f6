// The rule files a subchart's ClusterRole and Role are rendered from (read by kruise-common's _rbac.tpl).
import { stringify } from "yaml";
import { GENERATED_HEADER } from "./planned-file.ts";
import type { PolicyRule } from "./policy-rule.ts";
import type { NamespacedPolicyRules } from "./rbac-rules.ts";

export function rulesYaml(rules: readonly PolicyRule[], source: string, purpose: string): string {
  const body = rules.length === 0 ? "[]\n" : stringify(rules, { lineWidth: 0 });
  return `${GENERATED_HEADER(source)}# ${purpose}\n${body}`;
}

/** rbac/namespaced-rules.yaml: one Role (and RoleBinding) per entry, in the namespace it names. */
export function namespacedRulesYaml(entries: readonly NamespacedPolicyRules[], source: string): string {
  return `${GENERATED_HEADER(source)}# Role rules in the namespaces the app names: it may do this there and nowhere else.\n${stringify(entries, { lineWidth: 0 })}`;
}
