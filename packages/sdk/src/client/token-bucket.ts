import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";

/**
 * A token bucket that reserves rather than refuses: `reserve()` takes a token now or books the next free one and
 * says how long to wait for it, like Go's rate.Limiter.Reserve. Callers therefore queue up fairly in reservation
 * order instead of polling.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly clock: Clock;
  readonly qps: number;
  readonly burst: number;

  /** qps <= 0 or Infinity means unlimited. */
  constructor(qps: number, burst: number, clock: Clock = realClock) {
    this.qps = qps;
    this.burst = Math.max(1, burst);
    this.clock = clock;
    this.tokens = this.burst;
    this.last = clock.now();
  }

  private get unlimited(): boolean {
    return !(this.qps > 0) || this.qps === Infinity;
  }

  /** Takes one token and returns the milliseconds to wait before using it (0 when one was available). */
  reserve(): number {
    if (this.unlimited) return 0;
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.qps) / 1000);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.qps;
  }

  /** Waits for a token. Rejects only when signal aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    const delay = this.reserve();
    if (delay > 0) await this.clock.sleep(delay, signal);
  }
}
