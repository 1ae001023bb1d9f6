import { BoundedMap } from "./bounded-map.ts";

export interface SpamFilterOptions {
  /** Events an object may emit in a burst. client-go: 25. */
  burst: number;
  /** One more event is allowed per this interval once the burst is spent. client-go: 5 minutes. */
  refillIntervalMs: number;
  /** How many objects' buckets are remembered; the least recently used are forgotten. */
  maxObjects: number;
}

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/**
 * A token bucket per involved object, so one object stuck in a hot error loop cannot flood the API server
 * with Events (client-go's EventSourceObjectSpamFilter).
 */
export class SpamFilter {
  private readonly buckets: BoundedMap<string, Bucket>;
  private readonly opts: SpamFilterOptions;

  constructor(opts: SpamFilterOptions) {
    this.opts = opts;
    this.buckets = new BoundedMap(opts.maxObjects);
  }

  /** Takes a token for the object; false means the event must be dropped. */
  allow(objectKey: string, nowMs: number): boolean {
    const bucket = this.buckets.get(objectKey) ?? { tokens: this.opts.burst, updatedAtMs: nowMs };
    const refilled = (nowMs - bucket.updatedAtMs) / this.opts.refillIntervalMs;
    bucket.tokens = Math.min(this.opts.burst, bucket.tokens + Math.max(0, refilled));
    bucket.updatedAtMs = nowMs;
    this.buckets.set(objectKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
