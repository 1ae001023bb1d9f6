import type { Schedule } from "./schedule.ts";

/** More missed runs than this means a clock problem or a long outage: the controller gives up, as upstream does. */
export const MAX_MISSED_RUNS = 100;

export interface RunTimes {
  /** The most recent run time at or before now not yet started, if any. */
  lastMissed?: number;
  /** The next run time after now. */
  next: number;
  /** More than MAX_MISSED_RUNS runs were missed: nothing is started. */
  tooManyMissed?: boolean;
}

/**
 * The upstream CronJob rule OpenKruise follows (kubebuilder's CronJob tutorial, which AdvancedCronJob's controller
 * is): walk the run times after the last scheduled one (or the object's creation), but never from earlier than
 * now - startingDeadlineSeconds; of all runs missed up to now, only the most recent is started. Over 100 missed
 * runs is an error (fix the clock or set startingDeadlineSeconds), and no run starts.
 */
export function runTimes(
  schedule: Schedule,
  input: { lastScheduleTime?: number; creationTime: number; now: number; startingDeadlineSeconds?: number },
): RunTimes {
  const { now } = input;
  let earliest = input.lastScheduleTime ?? input.creationTime;
  if (input.startingDeadlineSeconds !== undefined)
    earliest = Math.max(earliest, now - input.startingDeadlineSeconds * 1000);
  if (earliest > now) return { next: schedule.next(earliest) };
  let lastMissed: number | undefined;
  let count = 0;
  let t = schedule.next(earliest);
  for (; t <= now; t = schedule.next(t)) {
    lastMissed = t;
    if (++count > MAX_MISSED_RUNS) return { next: schedule.next(now), tooManyMissed: true };
  }
  // The next run continues the walk rather than being schedule.next(now): the same for a cron expression, but an
  // "@every" schedule counts from its previous run, and a timer that fires a millisecond early must not skip to a
  // run one period later.
  return { ...(lastMissed !== undefined ? { lastMissed } : {}), next: t };
}

/** A missed run is too late to start once startingDeadlineSeconds have passed since its time. */
export function tooLateToStart(
  runTime: number,
  now: number,
  startingDeadlineSeconds: number | undefined,
): boolean {
  return startingDeadlineSeconds !== undefined && runTime + startingDeadlineSeconds * 1000 < now;
}
