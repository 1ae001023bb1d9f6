// The rule files a subchart's ClusterRole and Role are rendered from (read by kruise-common's _rbac.tpl).
import { stringify } from "yaml";
import { GENERATED_HEADER } from "./planned-file.ts";
import type { PolicyRule } from "./policy-rule.ts";

export function rulesYaml(rules: readonly PolicyRule[], source: string, purpose: string): string {
  const body = rules.length === 0 ? "[]\n" : stringify(rules, { lineWidth: 0 });
  return `${GENERATED_HEADER(source)}# ${purpose}\n${body}`;
}
