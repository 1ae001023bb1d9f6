/**
 * Kubernetes' flowcontrol.Backoff as the DaemonSet controller uses it for failed pods: per key (DaemonSet UID,
 * observed generation, node) the delay starts at 1 s and doubles up to 1 min, and resets after 2 min without a
 * failure. Time is injected, so the decisions are testable; the state lives in the controller process (a restart
 * forgets it, as in Kubernetes).
 */
export class FailedPodBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #entries = new Map<string, { delayMs: number; lastUpdate: number }>();

  constructor(initialMs = 1_000, maxMs = 60_000) {
    this.#initialMs = initialMs;
    this.#maxMs = maxMs;
  }

  /** Milliseconds until `key` may be acted on again; 0 when it is not backing off. */
  remaining(key: string, now: number): number {
    const entry = this.#entries.get(key);
    if (entry === undefined) return 0;
    return Math.max(0, entry.lastUpdate + entry.delayMs - now);
  }

  /** Records one more failure of `key` at `now`: the next delay doubles (or starts at the initial delay). */
  next(key: string, now: number): void {
    const entry = this.#entries.get(key);
    if (entry === undefined || now - entry.lastUpdate > 2 * this.#maxMs) {
      this.#entries.set(key, { delayMs: this.#initialMs, lastUpdate: now });
      return;
    }
    entry.delayMs = Math.min(entry.delayMs * 2, this.#maxMs);
    entry.lastUpdate = now;
  }

  /** Drops entries idle for more than twice the maximum delay. */
  gc(now: number): void {
    for (const [key, entry] of this.#entries)
      if (now - entry.lastUpdate > 2 * this.#maxMs) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
