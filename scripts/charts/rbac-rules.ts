// Reads a controller's RBAC rules from its one source, apps/<app>/src/rbac.ts, by importing the module.
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { looksLikePolicyRule, normalizeRule, type PolicyRule } from "./policy-rule.ts";

/** The export name every app can use to say "these are my rules" without ambiguity. */
export const PREFERRED_EXPORT = "rbacRules";

/**
 * Picks the rule list among a module's exports: `rbacRules` if present, otherwise the single exported array whose
 * items are all PolicyRules. `where` names the file in errors.
 */
export function selectRuleExport(
  exports: Record<string, unknown>,
  where: string,
): { name: string; rules: PolicyRule[] } {
  const preferred = exports[PREFERRED_EXPORT];
  if (preferred !== undefined) {
    if (!isRuleArray(preferred)) {
      throw new Error(
        `${where}: the export "${PREFERRED_EXPORT}" must be an array of { apiGroups, resources, verbs } rules`,
      );
    }
    return { name: PREFERRED_EXPORT, rules: checked(preferred, PREFERRED_EXPORT, where) };
  }
  const candidates = Object.entries(exports).filter(([, value]) => isRuleArray(value));
  if (candidates.length === 0) {
    throw new Error(
      `${where} exports no array of RBAC rules: export one (preferably named "${PREFERRED_EXPORT}") whose items have apiGroups, resources and verbs`,
    );
  }
  if (candidates.length > 1) {
    const names = candidates.map(([name]) => name).join(", ");
    throw new Error(
      `${where} exports several arrays of RBAC rules (${names}): name the controller's own list "${PREFERRED_EXPORT}"`,
    );
  }
  const [name, value] = candidates[0] as [string, PolicyRule[]];
  return { name, rules: checked(value, name, where) };
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
