import type { Pod } from "kubernetes-types/core/v1.js";

/** One UpdateScatterStrategy term: spread pods labelled key=value across the update order. */
export interface UpdateScatterTerm {
  key: string;
  value: string;
}

function hasTerm(pod: Pod, term: UpdateScatterTerm): boolean {
  return pod.metadata?.labels?.[term.key] === term.value;
}

/**
 * Pods reordered so that those matching each scatter term are spread evenly through the order instead of
 * bunched together, using OpenKruise's grouping so batches look the same. `allPods` is the workload's
 * whole pod set: the density to aim for is measured there, not only among pods waiting for update.
 */
export function scatterPods(
  candidates: readonly Pod[],
  allPods: readonly Pod[],
  strategy: readonly UpdateScatterTerm[] | undefined,
): Pod[] {
  let order = [...candidates];
  if (strategy === undefined || strategy.length === 0 || order.length <= 1) return order;
  for (const term of termsByFrequency(order, strategy)) order = scatterByTerm(order, allPods, term);
  return order;
}

/** With several terms, the ones matching most candidates go first; terms matching none are skipped. */
function termsByFrequency(
  candidates: readonly Pod[],
  strategy: readonly UpdateScatterTerm[],
): UpdateScatterTerm[] {
  if (strategy.length === 1) return [...strategy];
  const counts = new Map<string, { term: UpdateScatterTerm; count: number; first: number }>();
  let seen = 0;
  for (const term of strategy) {
    for (const pod of candidates) {
      if (!hasTerm(pod, term)) continue;
      const id = `${term.key}:${term.value}`;
      const entry = counts.get(id);
      if (entry === undefined)
        counts.set(id, { term: { key: term.key, value: term.value }, count: 1, first: seen++ });
      else entry.count++;
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.first - b.first).map((e) => e.term);
}

function scatterByTerm(candidates: readonly Pod[], allPods: readonly Pod[], term: UpdateScatterTerm): Pod[] {
  const matched = candidates.filter((p) => hasTerm(p, term));
  const unmatched = candidates.filter((p) => !hasTerm(p, term));
  if (matched.length <= 1 || unmatched.length <= 1) return [...candidates];

  let totalMatched = allPods.filter((p) => hasTerm(p, term)).length;
  const totalUnmatched = allPods.length - totalMatched;
  // One matched pod always goes last, so the order both starts and ends balanced.
  const last = matched.pop() as Pod;
  totalMatched--;

  const group = groupByDensity(totalMatched, totalUnmatched, matched.length, unmatched.length);
  const out: Pod[] = [];
  if (group.unmatchedRemainder > 0) out.push(...unmatched.splice(0, group.unmatchedRemainder));
  for (let i = 0; i < group.groupNum; i++) {
    out.push(...matched.splice(0, group.matchedGroupSize));
    out.push(...unmatched.splice(0, group.unmatchedGroupSize));
  }
  out.push(...matched, ...unmatched, last);
  return out;
}

interface ScatterGroup {
  groupNum: number;
  matchedGroupSize: number;
  unmatchedGroupSize: number;
  unmatchedRemainder: number;
}

function evenGroups(matched: number, unmatched: number): ScatterGroup {
  const groupNum = Math.min(matched, unmatched);
  return {
    groupNum,
    matchedGroupSize: Math.round(matched / groupNum),
    unmatchedGroupSize: Math.round(unmatched / groupNum),
    unmatchedRemainder: 0,
  };
}

/**
 * Groups sized like the whole workload when the pods waiting for update are denser in matched pods than the
 * workload is; otherwise groups that spread the waiting pods evenly.
 */
function groupByDensity(
  totalMatched: number,
  totalUnmatched: number,
  waitingMatched: number,
  waitingUnmatched: number,
): ScatterGroup {
  const waiting = evenGroups(waitingMatched, waitingUnmatched);
  if (totalUnmatched / totalMatched >= waitingUnmatched / waitingMatched) return waiting;
  const total = evenGroups(totalMatched, totalUnmatched);
  const groupNum = Math.min(
    Math.floor(waitingMatched / total.matchedGroupSize),
    Math.floor(waitingUnmatched / total.unmatchedGroupSize),
  );
  return {
    groupNum,
    matchedGroupSize: total.matchedGroupSize,
    unmatchedGroupSize: total.unmatchedGroupSize,
    unmatchedRemainder: waitingUnmatched - groupNum * total.unmatchedGroupSize,
  };
}
