import type { IntOrString } from "../intstr/index.ts";

export type SubsetReplicasParse =
  { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

const PERCENT_NUMBER = /^[+-]?\d+$/;

/**
 * A subset's `replicas`/`minReplicas`/`maxReplicas` as a pod count out of the UnitedDeployment's `total`.
 *
 * Guarantees: an integer is taken as is; a percentage `"N%"` (0 ≤ N ≤ 100) is `total × N / 100` rounded half
 * up (`"50%"` of 5 is 3, `"33%"` of 10 is 3), as OpenKruise rounds it.
 *
 * Caveats: `total < 0` stands for "spec.replicas unset", where a percentage cannot be read. Failures are values,
 * never exceptions: each allocator decides what a bad value means.
 */
export function parseSubsetReplicas(total: number, value: IntOrString): SubsetReplicasParse {
  if (typeof value === "number") {
    if (!Number.isInteger(value))
      return { ok: false, message: `subset replicas (${value}) should be an integer` };
    if (value < 0) return { ok: false, message: `subset replicas (${value}) should not be less than 0` };
    return { ok: true, value };
  }
  if (total < 0) {
    return {
      ok: false,
      message: `subsetReplicas (${value}) should not be string when unitedDeployment replicas is empty`,
    };
  }
  if (!value.endsWith("%")) {
    return {
      ok: false,
      message: `subset replicas (${value}) only support integer value or percentage value with a suffix '%'`,
    };
  }
  const digits = value.slice(0, -1);
  if (!PERCENT_NUMBER.test(digits)) {
    return { ok: false, message: `subset replicas (${value}) should be correct percentage integer` };
  }
  const percent = Number(digits);
  if (percent < 0 || percent > 100) {
    return { ok: false, message: `subset replicas (${value}) should be in range [0, 100]` };
  }
  return { ok: true, value: Math.floor((total * percent) / 100 + 0.5) };
}
