/** Capped exponential backoff with full jitter on top: attempt 1 waits about initialMs, doubling up to maxMs. */
export function backoffDelay(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  // Jitter spreads many informers (or many processes) that failed together, so they do not relist in lockstep.
  return Math.min(maxMs, base * (1 + random()));
}
