// CEL snippets shared by several kinds. Each takes CEL expressions (as text) and returns CEL text,
// so one rule reads like the OpenKruise webhook check it replaces.

/** A percentage such as "20%". OpenKruise rejects plain numeric strings like "5" (v1.9 behaviour). */
export const PERCENT_PATTERN = "^[0-9]+%$";

/** A percentage from 0% to 100%: for fields where more than all the pods means nothing (a partition). */
export const PERCENT_UP_TO_100_PATTERN = "^(100|[1-9]?[0-9])%$";

/** True when an int-or-string value is a non-negative int or a percentage string. */
export function isIntOrPercent(expr: string): string {
  return `(type(${expr}) == int ? ${expr} >= 0 : ${expr}.matches('${PERCENT_PATTERN}'))`;
}

/**
 * The absolute number an int-or-percent stands for, out of `total`. Percentages round up, as OpenKruise's
 * GetScaledValueFromIntOrPercent(roundUp=true). Only call on values already known to be valid.
 */
export function scaledRoundUp(expr: string, total: string): string {
  return `(type(${expr}) == int ? int(${expr}) : (int(string(${expr}).replace('%', '')) * ${total} + 99) / 100)`;
}

/** True when an int-or-percent field is unset, or set to a valid value (so rules combining fields skip invalid ones). */
export function unsetOrValid(expr: string): string {
  return `(!has(${expr}) || ${isIntOrPercent(expr)})`;
}

/** True when an int-or-percent field is unset or zero. */
export function unsetOrZero(expr: string): string {
  return `(!has(${expr}) || ${isZero(expr)})`;
}

/** True when an int-or-percent is zero (0 or "0%"). */
export function isZero(expr: string): string {
  return `(type(${expr}) == int ? ${expr} == 0 : int(string(${expr}).replace('%', '')) == 0)`;
}

/**
 * True when the label selector at `selector` selects the labels at `labels` (a map that may be absent:
 * pass `hasLabels`). Mirrors metav1.LabelSelectorAsSelector().Matches() for the four operators.
 */
export function selectorMatchesLabels(selector: string, labels: string, hasLabels: string): string {
  const label = (key: string): string => `(${hasLabels} && ${key} in ${labels})`;
  const matchLabels = `(!has(${selector}.matchLabels) || ${selector}.matchLabels.all(k, ${label("k")} && ${labels}[k] == ${selector}.matchLabels[k]))`;
  const expression =
    `(e.operator == 'In' ? (${label("e.key")} && ${labels}[e.key] in e.values) : ` +
    `e.operator == 'NotIn' ? (!${label("e.key")} || !(${labels}[e.key] in e.values)) : ` +
    `e.operator == 'Exists' ? ${label("e.key")} : !${label("e.key")})`;
  const matchExpressions = `(!has(${selector}.matchExpressions) || ${selector}.matchExpressions.all(e, ${expression}))`;
  return `${matchLabels} && ${matchExpressions}`;
}
