import type { Clock } from "../clock/clock.ts";
import { TokenBucket } from "../client/token-bucket.ts";

/** Settings of a queue's retry rate limiting. Defaults are client-go's DefaultControllerRateLimiter. */
export interface RateLimiterOptions {
  /** First retry delay for a key. Default 5 ms. */
  baseDelayMs?: number;
  /** Longest retry delay for a key. Default 1000 s. */
  maxDelayMs?: number;
  /** Overall retry rate across keys. Default 10 per second. */
  qps?: number;
  /** Overall burst. Default 100. */
  burst?: number;
}

/**
 * The delay before a failed key is retried: the larger of its own exponential backoff (base * 2^failures, capped)
 * and the overall token bucket's wait, so one flapping key backs off and a failing storm is throttled as a whole.
 */
export class RetryRateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly bucket: TokenBucket;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: RateLimiterOptions, clock: Clock) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.bucket = new TokenBucket(options.qps ?? 10, options.burst ?? 100, clock);
  }

  /** Counts one more failure of key and returns how long to wait before retrying it. */
  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const own = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** failures);
    return Math.max(own, this.bucket.reserve());
  }

  /** Failures counted for key since it was last forgotten. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets key's backoff (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }
}
