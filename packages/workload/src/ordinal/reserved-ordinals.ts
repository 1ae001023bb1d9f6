/**
 * Advanced StatefulSet's `reserveOrdinals`: ordinals no pod may take. Items are integers (`3`) or inclusive
 * ranges (`"3-5"`). They are kept as merged intervals, never expanded, so a range like `"0-1000000000"` costs
 * one entry and every question about it is answered in time proportional to the number of items.
 */
export type ReservedOrdinals = readonly (readonly [from: number, to: number])[];

const RANGE = /^(\d+)-(\d+)$/;

/**
 * Parses `spec.reserveOrdinals` into sorted, merged, inclusive intervals.
 *
 * Caveats: the CRD schema already rejects other shapes; what still slips through (a negative number, a
 * reversed range `"5-3"`, a non-integer) is ignored, as OpenKruise ignores items it cannot parse.
 */
export function parseReservedOrdinals(items: readonly (number | string)[] | undefined): ReservedOrdinals {
  const intervals: [number, number][] = [];
  for (const item of items ?? []) {
    if (typeof item === "number") {
      if (Number.isSafeInteger(item) && item >= 0) intervals.push([item, item]);
      continue;
    }
    const m = RANGE.exec(item);
    if (m) {
      const from = Number(m[1]);
      const to = Number(m[2]);
      if (Number.isSafeInteger(to) && from <= to) intervals.push([from, to]);
    } else if (/^\d+$/.test(item)) {
      intervals.push([Number(item), Number(item)]);
    }
  }
  intervals.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of intervals) {
    const last = merged.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

export function isReservedOrdinal(reserved: ReservedOrdinals, ordinal: number): boolean {
  for (const [from, to] of reserved) {
    if (ordinal < from) return false;
    if (ordinal <= to) return true;
  }
  return false;
}
