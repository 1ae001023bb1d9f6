import type { ObjectReference } from "kubernetes-types/core/v1.js";
import type { AdvancedCronJob, AdvancedCronJobStatus } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { templateKind } from "./child-builder.ts";
import type { ChildInfo } from "./children.ts";
import { childrenBeyondHistory } from "./history.ts";
import { runTimes, tooLateToStart } from "./missed-runs.ts";
import { parseSchedule, ScheduleError } from "./schedule.ts";
import { formatKubeTime, parseKubeTime } from "@kruise/sdk";

export interface CronEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What one reconcile of an AdvancedCronJob should do, decided from a snapshot. */
export interface CronPlan {
  status: AdvancedCronJobStatus;
  /** Active children to delete first (concurrencyPolicy Replace). */
  replace: ChildInfo[];
  /** Start the run scheduled at this time (epoch ms). */
  startRun?: number;
  /** Finished children beyond the history limits; deleted after the status is written. */
  trimHistory: ChildInfo[];
  /** Children that finished since the last status (they were in status.active). */
  newlyFinished: ChildInfo[];
  events: CronEvent[];
  /** The next run time: reconcile again exactly then. */
  requeueAfterMs?: number;
}

export interface CronPlanInput {
  acj: ReadOnly<AdvancedCronJob>;
  children: readonly ChildInfo[];
  now: number;
  /** The newest run this process already started (kept in memory, so a stale cache cannot re-run it). */
  lastStartedRun?: number;
}

/** Decides what to do for one AdvancedCronJob; follows OpenKruise's controller, see README for the differences. */
export function planCronJob({ acj, children, now, lastStartedRun }: CronPlanInput): CronPlan {
  const spec = acj.spec;
  const type = templateKind(acj);
  const previousActive = new Set((acj.status?.active ?? []).map((r) => r.uid));
  const active = children.filter((c) => c.state === "Active");
  const plan: CronPlan = {
    status: {
      ...(type ? { type } : {}),
      ...(active.length > 0 ? { active: active.map(reference).sort(byName) } : {}),
    },
    replace: [],
    trimHistory: childrenBeyondHistory(children, {
      successful: spec?.successfulJobsHistoryLimit ?? 3,
      failed: spec?.failedJobsHistoryLimit ?? 1,
    }),
    newlyFinished: children.filter((c) => c.state !== "Active" && previousActive.has(c.uid)),
    events: [],
  };
  // lastScheduleTime never moves back: it is the newest of the stored value, the children's scheduled-at, and what
  // this process started. (OpenKruise recomputes it from the children alone, so trimming history can rewind it.)
  const lastScheduled = maxDefined([
    parseKubeTime(acj.status?.lastScheduleTime),
    lastStartedRun,
    ...children.map((c) => c.scheduledTime),
  ]);
  if (lastScheduled !== undefined) plan.status.lastScheduleTime = formatKubeTime(lastScheduled);

  if (!type || !spec || spec.paused) return plan;

  let times: ReturnType<typeof runTimes>;
  try {
    const schedule = parseSchedule(spec.schedule, spec.timeZone);
    times = runTimes(schedule, {
      ...(lastScheduled !== undefined ? { lastScheduleTime: lastScheduled } : {}),
      creationTime: parseKubeTime(acj.metadata?.creationTimestamp) ?? now,
      now,
      ...(spec.startingDeadlineSeconds !== undefined
        ? { startingDeadlineSeconds: spec.startingDeadlineSeconds }
        : {}),
    });
  } catch (err) {
    if (!(err instanceof ScheduleError)) throw err;
    // Nothing to retry until the spec changes; the event tells the user what to fix.
    plan.events.push({ type: "Warning", reason: "UnparseableSchedule", message: err.message });
    return plan;
  }
  plan.requeueAfterMs = Math.max(0, times.next - now);
  if (times.tooManyMissed) {
    plan.events.push({
      type: "Warning",
      reason: "TooManyMissedTimes",
      message:
        "too many missed start times (> 100); set or decrease .spec.startingDeadlineSeconds or check clock skew",
    });
    return plan;
  }
  const run = times.lastMissed;
  if (run === undefined) return plan;
  if (tooLateToStart(run, now, spec.startingDeadlineSeconds)) {
    plan.events.push({
      type: "Warning",
      reason: "MissSchedule",
      message: `Missed scheduled time to start a job: ${formatKubeTime(run)}`,
    });
    return plan;
  }
  const policy = spec.concurrencyPolicy ?? "Allow";
  if (policy === "Forbid" && active.length > 0) return plan;
  if (policy === "Replace") {
    plan.replace = active;
    delete plan.status.active;
  }
  plan.startRun = run;
  plan.status.lastScheduleTime = formatKubeTime(run);
  return plan;
}

function reference(c: ChildInfo): ObjectReference {
  return { apiVersion: c.apiVersion, kind: c.kind, name: c.name, namespace: c.namespace, uid: c.uid };
}

function byName(a: ObjectReference, b: ObjectReference): number {
  return (a.name ?? "").localeCompare(b.name ?? "");
}

function maxDefined(values: Array<number | undefined>): number | undefined {
  let best: number | undefined;
  for (const v of values) if (v !== undefined && (best === undefined || v > best)) best = v;
  return best;
}
