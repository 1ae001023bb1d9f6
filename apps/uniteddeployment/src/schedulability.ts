// Adaptive scheduling: which subsets count as unschedulable now, and the Schedulable condition each subset
// reports (OpenKruise's manageUnschedulableStatusForExistingSubset).
import { SUBSET_SCHEDULABLE, type UnitedDeployment } from "@kruise/api";
import { formatKubeTime, parseKubeTime } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { pendingTimeout, setCondition, type SubsetStatus, type SubsetView } from "@kruise/workload";

type SubsetCondition = NonNullable<SubsetStatus["conditions"]>[number];

const DEFAULT_RESCHEDULE_CRITICAL_SECONDS = 30;
const DEFAULT_UNSCHEDULABLE_LAST_SECONDS = 300;

export interface Schedulability {
  readonly unschedulable: ReadonlySet<string>;
  readonly conditions: ReadonlyMap<string, SubsetCondition[]>;
  /** The soonest moment something changes (a pending pod times out, a subset recovers), in ms from now. */
  readonly requeueAfterMs: number | undefined;
}

export function adaptiveDurations(ud: UnitedDeployment): { criticalMs: number; unschedulableMs: number } {
  const adaptive = ud.spec?.topology?.scheduleStrategy?.adaptive;
  return {
    criticalMs: (adaptive?.rescheduleCriticalSeconds ?? DEFAULT_RESCHEDULE_CRITICAL_SECONDS) * 1000,
    unschedulableMs: (adaptive?.unschedulableLastSeconds ?? DEFAULT_UNSCHEDULABLE_LAST_SECONDS) * 1000,
  };
}

/**
 * A subset marked `Schedulable=False` stays unschedulable for `unschedulableLastSeconds` from that transition, then
 * recovers (`Schedulable=True`, reason recover). A subset with fewer ready than current pods is (again) marked
 * unschedulable when one of its pods has waited for a node longer than `rescheduleCriticalSeconds`.
 */
export function manageSchedulability(
  ud: UnitedDeployment,
  views: ReadonlyMap<string, SubsetView>,
  podsOf: (subset: string) => readonly Pod[],
  now: number,
): Schedulability {
  const { criticalMs, unschedulableMs } = adaptiveDurations(ud);
  const unschedulable = new Set<string>();
  const conditions = new Map<string, SubsetCondition[]>();
  let requeue: number | undefined;
  const soon = (ms: number): void => {
    requeue = requeue === undefined ? ms : Math.min(requeue, ms);
  };
  const previous = new Map((ud.status?.subsetStatuses ?? []).map((s) => [s.name ?? "", s]));
  for (const [name, view] of views) {
    let list = [...(previous.get(name)?.conditions ?? [])];
    const condition = list.find((c) => c.type === SUBSET_SCHEDULABLE);
    if (condition?.status === "False") {
      const recoverAt = (parseKubeTime(condition.lastTransitionTime) ?? now) + unschedulableMs;
      if (now < recoverAt) {
        unschedulable.add(name);
        soon(recoverAt - now);
      } else {
        list = setCondition(list, {
          type: SUBSET_SCHEDULABLE,
          status: "True",
          reason: "recover",
          message: `unschedulable subset recovered after ${(unschedulableMs / 1000).toFixed(6)} seconds`,
          lastTransitionTime: formatKubeTime(now),
        });
      }
    }
    if (view.statusReadyReplicas < view.statusReplicas) {
      let timedOut = 0;
      for (const pod of podsOf(name)) {
        const t = pendingTimeout(pod, criticalMs, now);
        if (t.timedOut) timedOut++;
        if (t.checkAfterMs !== undefined) soon(t.checkAfterMs);
      }
      if (timedOut > 0) {
        unschedulable.add(name);
        list = setCondition(list, {
          type: SUBSET_SCHEDULABLE,
          status: "False",
          reason: "reschedule",
          message: "timeout pending pods found",
          lastTransitionTime: formatKubeTime(now),
        });
        soon(unschedulableMs);
      }
    }
    if (list.length > 0) conditions.set(name, list);
  }
  return { unschedulable, conditions, requeueAfterMs: requeue };
}
