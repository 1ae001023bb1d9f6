import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { selectorMatches } from "../util/label-selector.ts";

/** OpenKruise's UpdatePriorityStrategy: set weightPriority or orderPriority, not both. */
export interface UpdatePriorityStrategy {
  weightPriority?: Array<{ weight: number; matchSelector: LabelSelector }>;
  orderPriority?: Array<{ orderedKey: string }>;
}

/** Sum of the weights whose selector matches the pod's labels. */
export function podWeightPriority(strategy: UpdatePriorityStrategy, pod: Pod): number {
  let weight = 0;
  for (const term of strategy.weightPriority ?? []) {
    if (selectorMatches(term.matchSelector, pod.metadata?.labels)) weight += term.weight;
  }
  return weight;
}

/** The trailing integer of a label value ("zone-12" → 12); 0 when it has none. */
export function trailingInteger(value: string): number {
  const match = /(\d+)$/.exec(value);
  if (match?.[1] === undefined) return 0;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) ? n : 0;
}

/**
 * [level, order]: level is the index of the first orderedKey the pod carries, order that label's trailing
 * integer. A pod with none of the keys gets level -1 — and so sorts before every keyed pod, a quirk kept
 * from OpenKruise.
 */
export function podOrderPriority(strategy: UpdatePriorityStrategy, pod: Pod): [number, number] {
  const labels = pod.metadata?.labels ?? {};
  const terms = strategy.orderPriority ?? [];
  for (let i = 0; i < terms.length; i++) {
    const key = (terms[i] as { orderedKey: string }).orderedKey;
    const value = labels[key];
    if (value !== undefined) return [i, trailingInteger(value)];
  }
  return [-1, 0];
}

/**
 * Pods reordered by priority: higher weight first; or lower level, then higher order first. Ties keep their
 * incoming order (OpenKruise's tie-break is the pods' list position, which is arbitrary; keeping the
 * default ActivePods order is the useful choice).
 */
export function sortByPriority(pods: readonly Pod[], strategy: UpdatePriorityStrategy | undefined): Pod[] {
  const weights = strategy?.weightPriority ?? [];
  const orders = strategy?.orderPriority ?? [];
  if (strategy === undefined || (weights.length === 0 && orders.length === 0)) return [...pods];
  if (weights.length > 0) {
    const w = new Map(pods.map((p) => [p, podWeightPriority(strategy, p)]));
    return [...pods].sort((a, b) => (w.get(b) ?? 0) - (w.get(a) ?? 0));
  }
  const o = new Map(pods.map((p) => [p, podOrderPriority(strategy, p)]));
  return [...pods].sort((a, b) => {
    const [la, oa] = o.get(a) ?? [-1, 0];
    const [lb, ob] = o.get(b) ?? [-1, 0];
    return la !== lb ? la - lb : ob - oa;
  });
}
