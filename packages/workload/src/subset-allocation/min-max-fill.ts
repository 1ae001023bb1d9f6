import { parseSubsetReplicas } from "./subset-replicas.ts";
import {
  UNBOUNDED_SUBSET_REPLICAS,
  type SubsetAllocation,
  type SubsetAllocationError,
  type SubsetAllocationSpec,
  type SubsetAllocatorKind,
  type SubsetValueProblem,
} from "./types.ts";

export interface MinMaxBounds {
  readonly min: Map<string, number>;
  readonly max: Map<string, number>;
}

/**
 * Each subset's `[minReplicas, maxReplicas]` as counts out of `total`: min defaults to 0, max to unbounded.
 *
 * Guarantees: refused with `MaxReplicasBelowMin` naming the first subset whose max is below its min.
 *
 * Caveats: a value that cannot be read counts as 0, as in OpenKruise (so a bad `maxReplicas` closes the
 * subset); it is listed in `problems`. The webhook rejects such values, so only objects stored before meet it.
 */
export function subsetMinMaxBounds(
  total: number,
  subsets: readonly SubsetAllocationSpec[],
  problems: SubsetValueProblem[],
): MinMaxBounds | SubsetAllocationError {
  const min = new Map<string, number>();
  const max = new Map<string, number>();
  for (const [index, subset] of subsets.entries()) {
    const read = (value: SubsetAllocationSpec["minReplicas"], key: string, absent: number): number => {
      if (value === undefined) return absent;
      const parsed = parseSubsetReplicas(total, value);
      if (parsed.ok) return parsed.value;
      problems.push({ field: `spec.topology.subsets[${index}].${key}`, message: parsed.message });
      return 0;
    };
    const lower = read(subset.minReplicas, "minReplicas", 0);
    const upper = read(subset.maxReplicas, "maxReplicas", UNBOUNDED_SUBSET_REPLICAS);
    if (lower > upper) {
      return {
        reason: "MaxReplicasBelowMin",
        field: `spec.topology.subsets[${index}].maxReplicas`,
        message: `subset[${index}].maxReplicas(${upper}) must be more than or equal to minReplicas(${lower})`,
      };
    }
    min.set(subset.name, lower);
    max.set(subset.name, upper);
  }
  return { min, max };
}

/**
 * The frame of the three min/max allocators (elastic, adaptive, reservation): read each subset's bounds out of
 * `total` (unset = 0), refuse with `MaxReplicasBelowMin`, else let `split` decide each subset's replicas.
 *
 * Guarantees: the result lists every subset in declaration order (0 where `split` gave none) and every
 * unreadable value as a problem; `split` runs only on bounds that passed.
 */
export function allocateWithinBounds(
  allocator: Exclude<SubsetAllocatorKind, "specific">,
  total: number | undefined,
  subsets: readonly SubsetAllocationSpec[],
  split: (replicas: number, bounds: MinMaxBounds) => ReadonlyMap<string, number>,
): SubsetAllocation {
  const replicas = total ?? 0;
  const problems: SubsetValueProblem[] = [];
  const bounds = subsetMinMaxBounds(replicas, subsets, problems);
  if ("reason" in bounds) return { ok: false, allocator, error: bounds, problems };
  return { ok: true, allocator, replicas: inDeclarationOrder(subsets, split(replicas, bounds)), problems };
}

/**
 * Hands out `total` replicas: first every subset's minimum in declaration order, then, if any are left, each
 * subset up to its maximum in declaration order.
 *
 * Guarantees: never more than `total` in all; a subset never gets fewer than 0. Names not in the bounds
 * count as `[0, 0]`.
 *
 * Caveats: a subset whose min is above its max (the adaptive allocators make such bounds) gets its min, capped
 * by what is left, and nothing more.
 */
export function fillByMinMax(
  total: number,
  bounds: { readonly min: ReadonlyMap<string, number>; readonly max: ReadonlyMap<string, number> },
  names: readonly string[],
): Map<string, number> {
  const next = new Map<string, number>();
  let allocated = 0;
  for (const name of names) {
    const add = Math.max(Math.min(bounds.min.get(name) ?? 0, total - allocated), 0);
    next.set(name, add);
    allocated += add;
  }
  if (allocated >= total) return next;
  for (const name of names) {
    const room = (bounds.max.get(name) ?? 0) - (bounds.min.get(name) ?? 0);
    const add = Math.max(Math.min(room, total - allocated), 0);
    next.set(name, (next.get(name) ?? 0) + add);
    allocated += add;
  }
  return next;
}

export function inDeclarationOrder(
  subsets: readonly SubsetAllocationSpec[],
  values: ReadonlyMap<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of subsets) out[s.name] = values.get(s.name) ?? 0;
  return out;
}
