import type { ReservedOrdinals } from "./reserved-ordinals.ts";

/** What decides which ordinals a StatefulSet's pods should have. */
export interface OrdinalSpec {
  readonly replicas: number;
  /** `spec.ordinals.start`, 0 when unset. */
  readonly start: number;
  readonly reserved: ReservedOrdinals;
}

/**
 * The ordinals that should have a pod: the first `replicas` ordinals from `start` that are not reserved,
 * ascending. Every other ordinal is condemned. With replicas 3 and reserveOrdinals [1]: 0, 2, 3.
 *
 * Guarantees: work is proportional to `replicas` plus the number of reserved intervals, whatever the ranges span.
 */
export function replicaOrdinals(spec: OrdinalSpec): number[] {
  const out: number[] = [];
  let ordinal = Math.max(0, spec.start);
  let next = 0; // index of the first reserved interval that may still lie at or after `ordinal`
  while (out.length < spec.replicas) {
    const interval = spec.reserved[next];
    if (interval && ordinal > interval[1]) {
      next++;
      continue;
    }
    if (interval && ordinal >= interval[0]) {
      ordinal = interval[1] + 1;
      next++;
      continue;
    }
    out.push(ordinal++);
  }
  return out;
}
