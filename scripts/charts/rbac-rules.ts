// Reads a controller's RBAC rules from its one source, apps/<app>/src/rbac.ts, by importing the module.
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { looksLikePolicyRule, normalizeRule, type PolicyRule } from "./policy-rule.ts";

/** The one export name under which every app's rbac.ts gives its controller's rules. */
export const RULES_EXPORT = "rbacRules";
/** The optional export of rules that hold in one named namespace each (`NamespacedRules[]` of @kruise/sdk). */
export const NAMESPACED_RULES_EXPORT = "rbacNamespacedRules";

/** Rules a chart grants in one namespace, named by the app (a Role and RoleBinding there). */
export interface NamespacedPolicyRules {
  namespace: string;
  rules: PolicyRule[];
}

/** An app's whole grant: cluster-wide rules (with the leader Lease) and rules in named namespaces. */
export interface AppRbac {
  rules: PolicyRule[];
  namespaced: NamespacedPolicyRules[];
}

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

/** DNS-1123 label: what a namespace name must be. */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Takes the module's optional `rbacNamespacedRules` export, checked to be a list of { namespace, rules }. */
export function selectNamespacedRuleExport(
  exports: Record<string, unknown>,
  where: string,
): NamespacedPolicyRules[] {
  const value = exports[NAMESPACED_RULES_EXPORT];
  if (value === undefined) return [];
  const shape = `the export "${NAMESPACED_RULES_EXPORT}" must be an array of { namespace, rules }`;
  if (!Array.isArray(value)) throw new Error(`${where}: ${shape}`);
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const { namespace, rules } = (entry ?? {}) as { namespace?: unknown; rules?: unknown };
    const at = `${NAMESPACED_RULES_EXPORT}[${index}]`;
    if (typeof namespace !== "string" || !NAMESPACE_NAME.test(namespace))
      throw new Error(`${where}: ${at}.namespace must be a namespace name (a DNS-1123 label); ${shape}`);
    if (seen.has(namespace))
      throw new Error(`${where}: ${at} names ${namespace} again; give each namespace's rules in one entry`);
    seen.add(namespace);
    if (!isRuleArray(rules)) throw new Error(`${where}: ${at}.rules must be a non-empty array of rules`);
    return { namespace, rules: checked(rules, `${at}.rules`, where) };
  });
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

/** Imports `rbacFile` and returns its cluster-wide rules. Errors name the file relative to `root`. */
export async function loadRbacRules(rbacFile: string, root: string): Promise<PolicyRule[]> {
  return (await loadAppRbac(rbacFile, root)).rules;
}

/** Imports `rbacFile` and returns its cluster-wide and its namespaced rules. Errors name the file relative to `root`. */
export async function loadAppRbac(rbacFile: string, root: string): Promise<AppRbac> {
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
  return {
    rules: selectRuleExport(exports, where).rules,
    namespaced: selectNamespacedRuleExport(exports, where),
  };
}
