// resourcesPolicy (OpenKruise's dynamic sidecar resources at pod creation): a sidecar's requests and limits computed
// from the pod's own containers whose names match targetContainersNameRegex, summed or maxed (targetContainersMode),
// through expressions such as `max(cpu*50%, 50m)`: + - * /, parentheses, max(), min(), numbers, percentages,
// Kubernetes quantities, and the variable `cpu` or `memory` (the aggregated value of that resource).
// - a limit is set only if every target container has that limit (one unlimited container makes the sum unlimited);
// - a missing request counts as 0;
// - no target container, an expression that does not parse, or a negative result refuses the pod, naming why.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";
import { parseQuantity, QUANTITY_SUFFIX_FACTOR } from "@kruise/workload";

type Resource = "cpu" | "memory";

/** The policy as a SidecarSet stores it; OpenKruise releases spell the mode and expression fields two ways. */
export interface ResourcesPolicy {
  targetContainersMode?: "sum" | "max";
  targetContainerMode?: "sum" | "max";
  targetContainersNameRegex?: string;
  resourcesExpr?: ResourcesExpr;
  resourceExpr?: ResourcesExpr;
}
interface ResourcesExpr {
  limits?: Partial<Record<Resource, string>>;
  requests?: Partial<Record<Resource, string>>;
}

// A number token of an expression: a quantity (suffixes from QUANTITY_SUFFIX_FACTOR) or a percentage.
const NUMBER = /^(\d+(?:\.\d+)?|\.\d+)(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?(%)?/;

/** Evaluates an expression with one variable; throws an Error saying what is wrong. */
export function evaluateExpression(expr: string, variable: Resource, value: number): number {
  let pos = 0;
  const skip = () => {
    while (expr[pos] === " " || expr[pos] === "\t") pos++;
  };
  const fail = (why: string): never => {
    throw new Error(`${why} at position ${pos} of "${expr}"`);
  };
  const primary = (): number => {
    skip();
    const c = expr[pos];
    if (c === "(") {
      pos++;
      const v = sum();
      skip();
      if (expr[pos] !== ")") fail("expected )");
      pos++;
      return v;
    }
    if (c === "-") {
      pos++;
      return -primary();
    }
    const word = /^[a-z]+/.exec(expr.slice(pos))?.[0];
    if (word === "max" || word === "min") {
      pos += word.length;
      skip();
      if (expr[pos] !== "(") fail(`expected ( after ${word}`);
      pos++;
      const args = [sum()];
      skip();
      while (expr[pos] === ",") {
        pos++;
        args.push(sum());
        skip();
      }
      if (expr[pos] !== ")") fail("expected )");
      pos++;
      return word === "max" ? Math.max(...args) : Math.min(...args);
    }
    if (word === variable) {
      pos += word.length;
      return value;
    }
    if (word) fail(`unknown name "${word}" (only ${variable}, max, min)`);
    const m = NUMBER.exec(expr.slice(pos));
    if (!m) return fail("expected a number, a quantity, a percentage, a name or (");
    pos += m[0].length;
    const n = Number(m[1]) * 10 ** Number(m[2] ?? 0) * QUANTITY_SUFFIX_FACTOR[m[3] ?? ""]!;
    return m[4] ? n / 100 : n;
  };
  const product = (): number => {
    let v = primary();
    for (;;) {
      skip();
      const op = expr[pos];
      if (op !== "*" && op !== "/") return v;
      pos++;
      const r = primary();
      if (op === "/" && r === 0) fail("division by zero");
      v = op === "*" ? v * r : v / r;
    }
  };
  const sum = (): number => {
    let v = product();
    for (;;) {
      skip();
      const op = expr[pos];
      if (op !== "+" && op !== "-") return v;
      pos++;
      v = op === "+" ? v + product() : v - product();
    }
  };
  const result = sum();
  skip();
  if (pos !== expr.length) fail("unexpected text");
  return result;
}

/** A value in base units as the pod gets it: CPU in millicores, memory in bytes (binary suffix when exact). */
export function formatQuantity(resource: Resource, v: number): string {
  if (resource === "cpu") {
    const milli = Math.round(v * 1000 * 1e6) / 1e6;
    const whole = Math.floor(milli);
    return whole % 1000 === 0 ? String(whole / 1000) : `${whole}m`;
  }
  const bytes = Math.floor(Math.round(v * 1e6) / 1e6);
  for (const s of ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"])
    if (bytes !== 0 && bytes % QUANTITY_SUFFIX_FACTOR[s]! === 0)
      return `${bytes / QUANTITY_SUFFIX_FACTOR[s]!}${s}`;
  return String(bytes);
}

const RESOURCES: Resource[] = ["cpu", "memory"];

/**
 * The sidecar's resources from the policy and the pod's containers (`exclude`: containers the SidecarSets inject),
 * or a string saying why the pod is refused.
 */
export function resourcesFromPolicy(
  sidecar: string,
  policy: ResourcesPolicy,
  pod: ReadOnly<Pod>,
  exclude: ReadonlySet<string>,
): { limits?: Record<string, string>; requests?: Record<string, string> } | string {
  const field = `resourcesPolicy of sidecar container ${sidecar}`;
  let pattern: RegExp;
  try {
    pattern = new RegExp(policy.targetContainersNameRegex ?? ".*");
  } catch (err) {
    return `${field}: targetContainersNameRegex does not compile: ${(err as Error).message}`;
  }
  const candidates: ReadOnly<Container>[] = [
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
    ...(pod.spec?.containers ?? []),
  ];
  const targets = candidates.filter((c) => !exclude.has(c.name) && pattern.test(c.name));
  if (targets.length === 0)
    return `${field}: no container of the pod matches targetContainersNameRegex ${JSON.stringify(pattern.source)}`;
  const mode = policy.targetContainersMode ?? policy.targetContainerMode ?? "sum";
  const combine = (xs: number[]) => (mode === "max" ? Math.max(0, ...xs) : xs.reduce((a, b) => a + b, 0));
  const expr = policy.resourcesExpr ?? policy.resourceExpr ?? {};
  const out: { limits?: Record<string, string>; requests?: Record<string, string> } = {};
  for (const kind of ["limits", "requests"] as const) {
    for (const r of RESOURCES) {
      const e = expr[kind]?.[r];
      if (!e) continue;
      const values = targets.map((c) =>
        parseQuantity(c.resources?.[kind]?.[r] as string | number | undefined),
      );
      // One target without a limit: the sum (or max) is unlimited, so is the sidecar's.
      if (kind === "limits" && values.some((v) => v === undefined)) continue;
      let v: number;
      try {
        v = evaluateExpression(e, r, combine(values.map((x) => x ?? 0)));
      } catch (err) {
        return `${field}: resourcesExpr.${kind}.${r}: ${(err as Error).message}`;
      }
      if (v < 0) return `${field}: resourcesExpr.${kind}.${r} "${e}" is negative for this pod (${v})`;
      (out[kind] ??= {})[r] = formatQuantity(r, v);
    }
  }
  return out;
}
