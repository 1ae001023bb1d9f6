import { parseSubsetReplicas } from "./subset-replicas.ts";
import type { CurrentSubset, SubsetAllocation, SubsetAllocationSpec, SubsetValueProblem } from "./types.ts";

/**
 * OpenKruise's default allocator (no `minReplicas`/`maxReplicas` anywhere, Fixed scheduling): subsets with
 * `replicas` get exactly that; what is left of `total` is split evenly among the others.
 *
 * Guarantees:
 * - the remainder of the even split goes one each to the unspecified subsets that have the most replicas now
 *   (ties: the later name in byte order), so a rebalance moves as few pods as possible;
 * - refused with `SpecifiedReplicasAboveTotal` when the fixed ones add up to more than `total`,
 *   `SpecifiedReplicasBelowTotal` when every subset is fixed and they add up to less, and
 *   `SubsetReplicasUnspecified` when `total` is unset and some subset is not fixed;
 * - fixed ones adding up to exactly `total` leave 0 to each unspecified subset.
 *
 * Caveats: a value that cannot be read (negative, `"5"`, `"120%"`, a percentage while `total` is unset) makes
 * that subset count as unspecified, as in OpenKruise; it is listed in `problems`.
 */
export function allocateSpecificReplicas(
  total: number | undefined,
  subsets: readonly SubsetAllocationSpec[],
  current: ReadonlyMap<string, CurrentSubset> | undefined,
): SubsetAllocation {
  const expected = total ?? -1;
  const problems: SubsetValueProblem[] = [];
  const fixed = new Map<string, number>();
  subsets.forEach((subset, index) => {
    if (subset.replicas === undefined) return;
    const parsed = parseSubsetReplicas(expected, subset.replicas);
    if (parsed.ok) fixed.set(subset.name, parsed.value);
    else problems.push({ field: `spec.topology.subsets[${index}].replicas`, message: parsed.message });
  });

  let fixedSum = 0;
  for (const value of fixed.values()) fixedSum += value;
  const fixedCount = subsets.filter((s) => fixed.has(s.name)).length;
  const refuse = (
    reason: "SpecifiedReplicasAboveTotal" | "SpecifiedReplicasBelowTotal" | "SubsetReplicasUnspecified",
    message: string,
  ): SubsetAllocation => ({
    ok: false,
    allocator: "specific",
    error: {
      reason,
      field: reason === "SubsetReplicasUnspecified" ? "spec.replicas" : "spec.topology.subsets",
      message,
    },
    problems,
  });
  if (expected !== -1) {
    if (fixedSum > expected) {
      return refuse(
        "SpecifiedReplicasAboveTotal",
        `specified subsets' replica (${fixedSum}) is greater than UnitedDeployment replica (${expected})`,
      );
    }
    if (fixedSum < expected && fixedCount === subsets.length) {
      return refuse(
        "SpecifiedReplicasBelowTotal",
        `specified subsets' replica (${fixedSum}) is less than UnitedDeployment replica (${expected})`,
      );
    }
  } else if (fixedCount !== subsets.length) {
    return refuse(
      "SubsetReplicasUnspecified",
      "all subsets must be specified when UnitedDeployment replica is unspecified",
    );
  }

  // Fewest replicas now first, then by name; the remainder is handed out from the other end.
  const order = subsets
    .map((s) => ({ name: s.name, now: current?.get(s.name)?.replicas ?? 0 }))
    .sort((a, b) => (a.now !== b.now ? a.now - b.now : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next = new Map<string, number>();
  for (const [name, value] of fixed) next.set(name, value);
  const free = order.filter((s) => !fixed.has(s.name));
  if (free.length > 0) {
    const left = expected - fixedSum;
    const average = Math.trunc(left / free.length);
    let remainder = left % free.length;
    for (let i = free.length - 1; i >= 0; i--) {
      const subset = free[i];
      if (subset === undefined) continue;
      next.set(subset.name, remainder > 0 ? average + 1 : average);
      if (remainder > 0) remainder--;
    }
  }

  const replicas: Record<string, number> = {};
  for (const s of subsets) replicas[s.name] = next.get(s.name) ?? 0;
  return { ok: true, allocator: "specific", replicas, problems };
}
