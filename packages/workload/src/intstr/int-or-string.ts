/**
 * Kubernetes IntOrString values (`5` or `"20%"`) and how OpenKruise turns them into pod counts.
 *
 * Plain numeric strings such as `"5"` are rejected: OpenKruise's webhooks reject them since v1.9, so a value
 * like that can only come from an object stored before; the error says how to fix it.
 */
export type IntOrString = number | string;

export type ParsedIntOrString =
  { readonly kind: "int"; readonly value: number } | { readonly kind: "percent"; readonly value: number };

export class IntOrStringError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "IntOrStringError";
    this.field = field;
  }
}

const PERCENT = /^(\d+)%$/;

/** Parses a value; `field` names it in errors (for example "spec.updateStrategy.partition"). */
export function parseIntOrString(value: IntOrString, field: string): ParsedIntOrString {
  if (typeof value === "number") {
    if (!Number.isInteger(value))
      throw new IntOrStringError(
        field,
        `${value} is not a whole number; use an integer such as 2 or a percentage such as "20%"`,
      );
    if (value < 0) throw new IntOrStringError(field, `${value} is negative; use 0 or more`);
    return { kind: "int", value };
  }
  if (typeof value !== "string") {
    throw new IntOrStringError(field, `expected an integer or a percentage string, got ${typeof value}`);
  }
  const match = PERCENT.exec(value.trim());
  if (match?.[1] !== undefined) return { kind: "percent", value: Number.parseInt(match[1], 10) };
  if (/^-?\d+$/.test(value.trim())) {
    throw new IntOrStringError(
      field,
      `"${value}" is a number written as a string; write it as the integer ${value.trim()} or as a percentage such as "${value.trim()}%"`,
    );
  }
  throw new IntOrStringError(field, `"${value}" is neither an integer nor a percentage such as "20%"`);
}

/**
 * The pod count a value stands for out of `total`. Percentages round up when `roundUp`, else down — the
 * direction matters: OpenKruise rounds partition and maxSurge up, and maxUnavailable up only when maxSurge is 0.
 */
export function scaleIntOrString(value: IntOrString, total: number, roundUp: boolean, field: string): number {
  const parsed = parseIntOrString(value, field);
  if (parsed.kind === "int") return parsed.value;
  const exact = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
