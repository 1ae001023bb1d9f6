/**
 * Five-field cron schedules with robfig/cron v3's semantics (what OpenKruise's ParseStandard uses): field
 * ranges (day-of-week 0-6), names, ranges, steps, "*" and "?", day-of-month and day-of-week OR-ed unless one
 * is "*", and its way of walking wall-clock time in a time zone, which decides what happens at daylight-saving
 * changes: a time in the spring gap does not run that day, a time in the autumn overlap runs twice.
 *
 * Guarantees: `next` returns the first run strictly after the given instant, at a whole minute, or undefined
 * when none falls within five years. Caveats: seconds are always 0 (ParseStandard has no seconds field).
 */

export class CronSyntaxError extends Error {}

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly (Bounds & { readonly label: string })[] = [
  { label: "minute", min: 0, max: 59 },
  { label: "hour", min: 0, max: 23 },
  { label: "day of month", min: 1, max: 31 },
  { label: "month", min: 1, max: 12, names: MONTH_NAMES },
  { label: "day of week", min: 0, max: 6, names: DOW_NAMES },
];

/** Which values a field allows, and whether it was written "*" or "?" (robfig's star bit). */
interface FieldSet {
  readonly values: ReadonlySet<number>;
  readonly star: boolean;
}

function parseNumber(text: string, bounds: Bounds): number {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(`failed to parse int from ${text}`);
  return Number(text);
}

function parseRange(expr: string, bounds: Bounds): { values: number[]; star: boolean } {
  const [rangePart = "", stepPart, ...more] = expr.split("/");
  if (more.length > 0) throw new CronSyntaxError(`too many slashes: ${expr}`);
  const lowHigh = rangePart.split("-");
  let start: number;
  let end: number;
  let star = false;
  if (lowHigh[0] === "*" || lowHigh[0] === "?") {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    if (lowHigh.length > 2) throw new CronSyntaxError(`too many hyphens: ${expr}`);
    start = parseNumber(lowHigh[0] ?? "", bounds);
    end = lowHigh.length === 2 ? parseNumber(lowHigh[1] ?? "", bounds) : start;
  }
  let step = 1;
  if (stepPart !== undefined) {
    if (!/^\d+$/.test(stepPart)) throw new CronSyntaxError(`failed to parse int from ${stepPart}`);
    step = Number(stepPart);
    if (lowHigh.length === 1) end = bounds.max; // "N/step" means N-max/step
    if (step > 1) star = false;
  }
  if (start < bounds.min)
    throw new CronSyntaxError(`beginning of range (${start}) below minimum (${bounds.min}): ${expr}`);
  if (end > bounds.max)
    throw new CronSyntaxError(`end of range (${end}) above maximum (${bounds.max}): ${expr}`);
  if (start > end)
    throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star };
}

function parseField(text: string, bounds: Bounds): FieldSet {
  const values = new Set<number>();
  let star = false;
  for (const part of text.split(",")) {
    const r = parseRange(part, bounds);
    for (const v of r.values) values.add(v);
    star ||= r.star;
  }
  return { values, star };
}

/** Wall-clock fields of an instant in a time zone. */
interface Wall {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wall(ms: number, zone: string): Wall {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(zone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
  };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The zone's UTC offset (ms) at an instant, to the minute. */
function offsetAt(ms: number, zone: string): number {
  const w = wall(ms, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return asUtc - Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * Go's time.Date in a zone: out-of-range fields normalise (day 32 is the next month's first), and a wall-clock
 * time in a gap or overlap resolves the way Go resolves it (the offset found around that time).
 */
function dateIn(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const local = Date.UTC(year, month - 1, day, hour, minute);
  const first = offsetAt(local, zone);
  const utc = local - first;
  const second = offsetAt(utc, zone);
  return local - (second === first ? first : second);
}

export interface CronSpec {
  /** The first run strictly after `afterMs`, or undefined within five years. */
  next(afterMs: number): number | undefined;
}

/** Parses the five fields (minute hour day-of-month month day-of-week) for runs in `zone`. */
export function parseCronSpec(text: string, zone: string): CronSpec {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: ${text}`);
  const [minute, hour, dom, month, dow] = FIELDS.map((bounds, i) => parseField(fields[i] ?? "", bounds)) as [
    FieldSet,
    FieldSet,
    FieldSet,
    FieldSet,
    FieldSet,
  ];
  const dayMatches = (w: Wall): boolean => {
    const domMatch = dom.values.has(w.day);
    const dowMatch = dow.values.has(w.weekday);
    return dom.star || dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  };

  return {
    next(afterMs) {
      // The upcoming second, then robfig's walk: month, day, hour, minute; any carry restarts from the month.
      let t = Math.floor(afterMs / 1000) * 1000 + 1000;
      let added = false;
      const yearLimit = wall(t, zone).year + 5;
      for (;;) {
        let w = wall(t, zone);
        if (w.year > yearLimit) return undefined;
        let wrapped = false;
        while (!month.values.has(w.month)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, 1, 0, 0);
          }
          w = wall(t, zone);
          t = dateIn(zone, w.year, w.month + 1, w.day, w.hour, w.minute);
          w = wall(t, zone);
          if (w.month === 1) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!dayMatches(w)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, w.day, 0, 0);
          }
          w = wall(t, zone);
          t = dateIn(zone, w.year, w.month, w.day + 1, w.hour, w.minute);
          w = wall(t, zone);
          // Midnight may not exist on a DST day: get back to it as robfig does.
          if (w.hour !== 0) t += (w.hour > 12 ? 24 - w.hour : -w.hour) * HOUR_MS;
          w = wall(t, zone);
          if (w.day === 1) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!hour.values.has(w.hour)) {
          if (!added) {
            added = true;
            t = dateIn(zone, w.year, w.month, w.day, w.hour, 0);
          }
          t += HOUR_MS;
          w = wall(t, zone);
          if (w.hour === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        while (!minute.values.has(w.minute)) {
          if (!added) {
            added = true;
            t = Math.floor(t / MINUTE_MS) * MINUTE_MS;
          }
          t += MINUTE_MS;
          w = wall(t, zone);
          if (w.minute === 0) {
            wrapped = true;
            break;
          }
        }
        if (wrapped) continue;
        // Seconds: ParseStandard allows only 0, so a time past it moves to the next minute and walks again.
        if (t % MINUTE_MS !== 0) {
          added = true;
          t = Math.floor(t / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
          continue;
        }
        return t;
      }
    },
  };
}
