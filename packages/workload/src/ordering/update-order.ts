import type { Pod } from "kubernetes-types/core/v1.js";
import { LifecycleState } from "@kruise/api";
import { getLifecycleState } from "../lifecycle/state.ts";
import { activePodsLess, toComparator, type PodLess } from "./active-pods.ts";
import { sortByPriority, type UpdatePriorityStrategy } from "./priority-sort.ts";
import { scatterPods, type UpdateScatterTerm } from "./scatter-sort.ts";

export interface UpdateOrderOptions {
  readonly priorityStrategy?: UpdatePriorityStrategy;
  readonly scatterStrategy?: readonly UpdateScatterTerm[];
  /** The default order; Kubernetes' ActivePods unless a workload needs another (e.g. ordinals). */
  readonly baseLess?: PodLess;
}

/**
 * The order in which pods waiting for an update get it, as CloneSet applies it: the default order, then
 * priorityStrategy, then scatterStrategy, and finally pods already in PreparingUpdate first (they were
 * chosen before; finishing them keeps the number of pods in flight down). `allPods` feeds the scatter density.
 */
export function orderPodsForUpdate(
  candidates: readonly Pod[],
  allPods: readonly Pod[],
  options: UpdateOrderOptions = {},
): Pod[] {
  let order = [...candidates].sort(toComparator(options.baseLess ?? activePodsLess));
  if (options.priorityStrategy !== undefined) order = sortByPriority(order, options.priorityStrategy);
  if (options.scatterStrategy !== undefined) order = scatterPods(order, allPods, options.scatterStrategy);
  const preparing = (p: Pod): boolean => getLifecycleState(p) === LifecycleState.PreparingUpdate;
  return [...order.filter(preparing), ...order.filter((p) => !preparing(p))];
}
