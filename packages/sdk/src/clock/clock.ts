/**
 * Time as the SDK sees it. Everything time-based (requeueAfter, backoff, expectations timeouts, cron
 * schedules, minReadySeconds, TTLs) reads this instead of Date.now()/setTimeout, so tests can inject a
 * FakeClock and move time without waiting.
 */
export interface Clock {
  now(): number; // epoch milliseconds
  /** Calls fn after ms of this clock's time. The returned function cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
  /** Resolves after ms of this clock's time, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
