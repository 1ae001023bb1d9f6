import { MAX_INT32 } from "../meta/int32.ts";

/**
 * The longest delay a Node timer can hold: 2^31-1 ms (about 24.8 days). setTimeout turns anything longer (and NaN)
 * into 1 ms with a TimeoutOverflowWarning, so a far deadline (minReadySeconds: 2147483647, a cron schedule years
 * away) would otherwise fire at once, find nothing due, re-arm and spin.
 */
export const MAX_TIMER_MS = MAX_INT32;

/**
 * A delay the platform can hold: NaN and negatives become 0, anything above MAX_TIMER_MS (Infinity too) becomes
 * MAX_TIMER_MS. Callers that need a longer wait re-arm when the clamped timer fires.
 */
export function timerDelay(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}
