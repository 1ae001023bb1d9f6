// Adaptive scheduling: which subsets count as unschedulable now, and the Schedulable condition each subset
// reports (OpenKruise's manageUnschedulableStatusForExistingSubset).
import { SUBSET_SCHEDULABLE, type UnitedDeployment } from "@kruise/api";
import { formatKubeTime, parseKubeTime } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  classifyReservedPods,
  pendingTimeout,
  setCondition,
  type SubsetStatus,
  type SubsetView,
} from "@kruise/workload";

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

export interface Reservation extends Schedulability {
  /** Subsets whose Schedulable condition was False before this reconcile (not allocatable while recovering). */
  readonly marked: ReadonlySet<string>;
  /** Per subset, its reserved pods. */
  readonly reservedPods: ReadonlyMap<string, number>;
  /** Pods whose `apps.kruise.io/united-deployment-reserved-pod` label must be written. */
  readonly labels: readonly { readonly pod: string; readonly reserved: boolean }[];
}

/**
 * Reserve mode (`reserveUnschedulablePods`, OpenKruise's calculateSubsetsStatusForReservedAdaptiveStrategy): a
 * subset is unschedulable exactly while it holds reserved pods (`Schedulable=False`, reason reschedule, "reserved
 * pods found"), else `Schedulable=True` ("no reserved pods"). Which pods are reserved: `classifyReservedPods`.
 */
export function manageReservation(
  ud: UnitedDeployment,
  views: ReadonlyMap<string, SubsetView>,
  podsOf: (subset: string) => readonly Pod[],
  updatedRevision: string,
  now: number,
): Reservation {
  const { criticalMs, unschedulableMs } = adaptiveDurations(ud);
  const unschedulable = new Set<string>();
  const marked = new Set<string>();
  const conditions = new Map<string, SubsetCondition[]>();
  const reservedPods = new Map<string, number>();
  const labels: { pod: string; reserved: boolean }[] = [];
  let requeue: number | undefined;
  const previous = new Map((ud.status?.subsetStatuses ?? []).map((s) => [s.name ?? "", s]));
  for (const name of views.keys()) {
    let list = [...(previous.get(name)?.conditions ?? [])];
    const wasMarked = list.find((c) => c.type === SUBSET_SCHEDULABLE)?.status === "False";
    if (wasMarked) marked.add(name);
    const pods = classifyReservedPods({
      pods: podsOf(name),
      markedUnschedulable: wasMarked,
      updatedRevision,
      criticalMs,
      unschedulableMs,
      now,
    });
    reservedPods.set(name, pods.reserved);
    labels.push(...pods.labels);
    if (pods.checkAfterMs !== undefined)
      requeue = requeue === undefined ? pods.checkAfterMs : Math.min(requeue, pods.checkAfterMs);
    const reserved = pods.reserved > 0;
    if (reserved) unschedulable.add(name);
    list = setCondition(list, {
      type: SUBSET_SCHEDULABLE,
      status: reserved ? "False" : "True",
      reason: "reschedule",
      message: reserved ? "reserved pods found" : "no reserved pods",
      lastTransitionTime: formatKubeTime(now),
    });
    conditions.set(name, list);
  }
  return { unschedulable, marked, conditions, reservedPods, labels, requeueAfterMs: requeue };
}

/**
 * After the split (OpenKruise's postProcessSubsetStatusForReservedAdaptiveStrategy): a subset that has just
 * recovered and is given more replicas is marked unschedulable again, so that the pods it is about to create are
 * reserved from birth and their stand-ins elsewhere go only once these are really up.
 */
export function markRecoveredScaleUps(
  reservation: Reservation,
  views: ReadonlyMap<string, SubsetView>,
  nextReplicas: Readonly<Record<string, number>>,
  now: number,
): ReadonlyMap<string, SubsetCondition[]> {
  const conditions = new Map(reservation.conditions);
  for (const [name, view] of views) {
    if (reservation.unschedulable.has(name) || !reservation.marked.has(name)) continue;
    if ((nextReplicas[name] ?? 0) <= view.specReplicas) continue;
    conditions.set(
      name,
      setCondition(conditions.get(name) ?? [], {
        type: SUBSET_SCHEDULABLE,
        status: "False",
        reason: "reschedule",
        message: "subset just recovered scaled up",
        lastTransitionTime: formatKubeTime(now),
      }),
    );
  }
  return conditions;
}
