// Reads a controller's RBAC rules from its one source, apps/<app>/src/rbac.ts, by importing the module.
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { looksLikePolicyRule, normalizeRule, type PolicyRule } from "./policy-rule.ts";

/** The one export name under which every app's rbac.ts gives its controller's rules. */
export const RULES_EXPORT = "rbacRules";

/** Takes the module's `rbacRules` export, checked to be a list of PolicyRules. `where` names the file in errors. */
export function selectRuleExport(
  exports: Record<string, unknown>,
  where: string,
): { name: string; rules: PolicyRule[] } {
  const rules = exports[RULES_EXPORT];
  if (rules === undefined) {
    const others = Object.entries(exports)
      .filter(([, value]) => isRuleArray(value))
      .map(([name]) => name);
    throw new Error(
      `${where} has no export "${RULES_EXPORT}": every app gives its controller's rules under that one name` +
        (others.length > 0 ? ` (rename ${others.join(" or ")})` : ""),
    );
  }
  if (!isRuleArray(rules))
    throw new Error(`${where}: the export "${RULES_EXPORT}" must be an array of { apiGroups, resources, verbs } rules`);
  return { name: RULES_EXPORT, rules: checked(rules, RULES_EXPORT, where) };
}

function isRuleArray(value: unknown): value is PolicyRule[] {
  return Array.isArray(value) && value.length > 0 && value.every(looksLikePolicyRule);
}

function checked(rules: PolicyRule[], name: string, where: string): PolicyRule[] {
  rules.forEach((rule, index) => {
    for (const field of ["resources", "verbs"] as const) {
      if (rule[field].length === 0)
        throw new Error(`${where}: ${name}[${index}].${field} is empty; a rule must name at least one`);
    }
  });
  return rules.map(normalizeRule);
}

/** Imports `rbacFile` and returns its rules. Errors name the file relative to `root`. */
export async function loadRbacRules(rbacFile: string, root: string): Promise<PolicyRule[]> {
  const where = relative(root, rbacFile);
  if (!existsSync(rbacFile)) {
    throw new Error(
      `${where} is missing: every controller app keeps its RBAC rules there (the chart's ClusterRole is made from it)`,
    );
  }
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(rbacFile).href)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `${where} could not be imported: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return selectRuleExport(exports, where).rules;
}
