import { CronSyntaxError, parseCronSpec, type CronSpec } from "./cron-spec.ts";

/** A parsed schedule: the first run strictly after a given instant. */
export interface Schedule {
  next(afterMs: number): number;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleError";
  }
}

// robfig/cron's descriptors (what OpenKruise accepts), as five-field patterns.
const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses spec.schedule (+ spec.timeZone) the way OpenKruise does with robfig/cron's ParseStandard: five fields,
 * day-of-month and day-of-week OR-ed when both are restricted, descriptors, "@every <duration>", and a
 * "CRON_TZ=<zone> " or "TZ=<zone> " prefix. The five fields follow robfig's parser and its walk through
 * wall-clock time (src/cron-spec.ts, daylight-saving changes included); "@every" is a fixed delay
 * (whole seconds, at least one), counted from the previous run as robfig does.
 * Throws ScheduleError naming the field and what is wrong.
 */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  let text = schedule.trim();
  let zone = timeZone;
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(text);
  if (prefix) {
    if (timeZone)
      throw new ScheduleError(
        "spec.timeZone: set the time zone either in timeZone or as a TZ= prefix of spec.schedule, not both",
      );
    zone = prefix[1];
    text = prefix[2] ?? "";
  }
  if (zone !== undefined) checkZone(zone, prefix ? "spec.schedule" : "spec.timeZone");

  if (text.startsWith("@every")) return everySchedule(text);
  const pattern = DESCRIPTORS[text] ?? text;
  let cron: CronSpec;
  try {
    // Without a zone, robfig/cron uses the controller's own time zone.
    cron = parseCronSpec(pattern, zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  } catch (err) {
    if (!(err instanceof CronSyntaxError)) throw err;
    throw new ScheduleError(
      `spec.schedule: ${JSON.stringify(schedule)} is not a valid cron schedule (${err.message})`,
    );
  }
  return {
    next(afterMs) {
      const next = cron.next(afterMs);
      if (next === undefined)
        throw new ScheduleError(`spec.schedule: ${JSON.stringify(schedule)} never fires again`);
      return next;
    },
  };
}

function everySchedule(text: string): Schedule {
  const match = /^@every\s+(\S+)$/.exec(text);
  const delayMs = match?.[1] ? parseGoDuration(match[1]) : undefined;
  if (delayMs === undefined)
    throw new ScheduleError(
      `spec.schedule: ${JSON.stringify(text)} must look like "@every 1h30m" (units h, m, s, ms)`,
    );
  const delay = Math.max(1000, Math.floor(delayMs / 1000) * 1000);
  // robfig: the next run is `delay` after the previous one, with the sub-second part dropped.
  return { next: (afterMs) => Math.floor(afterMs / 1000) * 1000 + delay };
}

/** Go's time.ParseDuration for positive durations ("90s", "1h30m", "1.5h"), in milliseconds. */
export function parseGoDuration(text: string): number | undefined {
  const parts = /^(?:(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h))+$/.test(text)
    ? text.match(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)
    : null;
  if (!parts) return undefined;
  let total = 0;
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)$/.exec(part);
    if (!m?.[1] || !m[2]) return undefined;
    total += Number.parseFloat(m[1]) * (DURATION_UNITS_MS[m[2]] ?? 0);
  }
  return total > 0 ? total : undefined;
}

function checkZone(zone: string, field: string): void {
  if (zone === "Local")
    throw new ScheduleError(
      `${field}: time zone "Local" is not allowed; name an IANA zone such as "Europe/Paris"`,
    );
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    throw new ScheduleError(
      `${field}: unknown time zone ${JSON.stringify(zone)}; use an IANA name such as "Europe/Paris"`,
    );
  }
}
