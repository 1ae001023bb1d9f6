import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";

/**
 * Whether labels match a metav1.LabelSelector. An empty selector matches everything; an unknown operator
 * matches nothing (OpenKruise skips selectors it cannot parse, which has the same effect for weights).
 */
export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  if (selector === undefined) return true;
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, have));
}

function requirementMatches(
  req: LabelSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const present = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return present && value !== undefined && values.includes(value);
    case "NotIn":
      return !present || value === undefined || !values.includes(value);
    case "Exists":
      return present;
    case "DoesNotExist":
      return !present;
    default:
      return false;
  }
}

/**
 * The selector in kubectl's string form (`app=web,tier in (a,b),!legacy`), keys and values sorted: what
 * `status.labelSelector` holds for the scale subresource and the HorizontalPodAutoscaler.
 */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (selector === undefined) return "";
  const parts = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    if (req.operator === "In") parts.push(`${req.key} in (${values})`);
    else if (req.operator === "NotIn") parts.push(`${req.key} notin (${values})`);
    else if (req.operator === "Exists") parts.push(req.key);
    else if (req.operator === "DoesNotExist") parts.push(`!${req.key}`);
  }
  return parts.join(",");
}

const SELECTOR_OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/**
 * Whether metav1.LabelSelectorAsSelector would accept the selector: known operators, values for In/NotIn and none
 * for Exists/DoesNotExist.
 */
export function selectorParses(selector: LabelSelector): boolean {
  return (selector.matchExpressions ?? []).every((req) => {
    if (!SELECTOR_OPERATORS.has(req.operator)) return false;
    const n = req.values?.length ?? 0;
    return req.operator === "In" || req.operator === "NotIn" ? n > 0 : n === 0;
  });
}
