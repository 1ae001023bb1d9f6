import type { LabelSelector } from "kubernetes-types/meta/v1.js";

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
  return (selector.matchExpressions ?? []).every((req) => setRequirementMatches(req, have) ?? false);
}

/**
 * One set-based requirement (In, NotIn, Exists, DoesNotExist) against a label (or field) map: the operators
 * metav1.LabelSelector and core NodeSelector requirements share. Undefined for any other operator, so the caller
 * decides (a LabelSelector matches nothing, a NodeSelector also knows Gt and Lt).
 */
export function setRequirementMatches(
  req: { readonly key: string; readonly operator: string; readonly values?: readonly string[] | undefined },
  labels: Readonly<Record<string, string>>,
): boolean | undefined {
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
      return undefined;
  }
}

/**
 * The selector as `labels.Selector.String()` prints what metav1.LabelSelectorAsSelector builds
 * (`app=web,tier in (a,b),!legacy`): what `status.labelSelector` holds for the scale subresource and the
 * HorizontalPodAutoscaler.
 *
 * Guarantees: matchLabels and matchExpressions become one list of requirements ordered by key (the
 * selector's Add sorts them), so an expression's key sorts among the label keys; In/NotIn values print sorted.
 * Caveats: two requirements on the same key keep matchLabels first (Go's sort is not stable there; tools compare
 * selectors by meaning, not text, in that rare case).
 */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (selector === undefined) return "";
  const parts: Array<{ key: string; text: string }> = Object.entries(selector.matchLabels ?? {}).map(
    ([k, v]) => ({ key: k, text: `${k}=${v}` }),
  );
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    const text =
      req.operator === "In"
        ? `${req.key} in (${values})`
        : req.operator === "NotIn"
          ? `${req.key} notin (${values})`
          : req.operator === "Exists"
            ? req.key
            : req.operator === "DoesNotExist"
              ? `!${req.key}`
              : undefined;
    if (text !== undefined) parts.push({ key: req.key, text });
  }
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(",");
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
