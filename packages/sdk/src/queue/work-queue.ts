import type { Registry } from "prom-client";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { timerDelay } from "../clock/timer-limit.ts";
import { defaultRegistry } from "../metrics/registry.ts";
import { DelayHeap } from "./delay-heap.ts";
import { Fifo } from "./fifo.ts";
import type { QueueMetrics } from "./queue-metrics.ts";
import { queueMetrics } from "./queue-metrics.ts";
import type { RateLimiterOptions } from "./rate-limiter.ts";
import { RetryRateLimiter } from "./rate-limiter.ts";

/**
 * How urgent an add is. "normal" is a live change. "low" is bulk work: keys from an informer's initial list or a
 * resync. Low keys yield to normal ones, but only until they have waited agingMs (see WorkQueue).
 */
export type Priority = "normal" | "low";

export interface WorkQueueOptions extends RateLimiterOptions {
  /** Queue name: the `name` label of the workqueue_* metrics (controller-runtime uses the controller name). */
  name: string;
  clock?: Clock;
  registry?: Registry;
  /** How long a low-priority key may be passed over before it is served ahead of normal keys. Default 1 s. */
  agingMs?: number;
}

interface Entry {
  key: string;
  addedAt: number;
}

/**
 * A work queue of string keys, controller-runtime style:
 * - dedup: a key queued twice is queued once;
 * - one in flight per key: a key added while it is being processed is marked dirty and queued again by done();
 * - addAfter and addRateLimited (per-key exponential backoff combined with an overall token bucket);
 * - two lanes with aging (why: after a restart, thousands of initial-list keys must not delay a live change, yet
 *   they must not starve behind a steady stream of live changes either). get() serves the normal lane first,
 *   unless the oldest low-priority key has waited agingMs, in which case it goes first. Both lanes are FIFO, so the
 *   oldest low key is always at its head and the check is O(1); an old low key waits at most about agingMs plus the
 *   time to serve the low keys ahead of it.
 */
export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly limiter: RetryRateLimiter;
  private readonly metrics: QueueMetrics;
  private readonly unregister: () => void;
  private readonly agingMs: number;
  private readonly normal = new Fifo<Entry>();
  private readonly low = new Fifo<Entry>();
  /** The live entry of each queued key; lane entries not in here are stale and skipped. */
  private readonly queued = new Map<string, { entry: Entry; priority: Priority }>();
  private readonly processing = new Map<string, number>();
  private readonly dirty = new Map<string, Priority>();
  private readonly delayed = new DelayHeap();
  private readonly readyAt = new Map<string, number>();
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private waiters: Array<(key: string | undefined) => void> = [];
  private drainWaiters: Array<() => void> = [];
  private shutting = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.clock = options.clock ?? realClock;
    this.agingMs = options.agingMs ?? 1000;
    this.limiter = new RetryRateLimiter(options, this.clock);
    this.metrics = queueMetrics(options.registry ?? defaultRegistry);
    this.unregister = this.metrics.register({
      name: this.name,
      unfinishedWorkSeconds: () => {
        const now = this.clock.now();
        let total = 0;
        for (const started of this.processing.values()) total += now - started;
        return total / 1000;
      },
      longestRunningProcessorSeconds: () => {
        const now = this.clock.now();
        let oldest = now;
        for (const started of this.processing.values()) oldest = Math.min(oldest, started);
        return (now - oldest) / 1000;
      },
    });
    this.metrics.depth.set({ name: this.name }, 0);
  }

  /** Keys waiting to be handed out (not counting delayed or in-flight ones). */
  get length(): number {
    return this.queued.size;
  }

  /** Keys being processed now. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** True once shutDown() was called. */
  get shuttingDown(): boolean {
    return this.shutting;
  }

  /** Queues key now. No-op if already queued; marks it dirty if it is being processed. */
  add(key: string, priority: Priority = "normal"): void {
    if (this.shutting) return;
    this.metrics.adds.inc({ name: this.name });
    if (this.processing.has(key)) {
      // It runs again after done(); keep the more urgent priority.
      if (this.dirty.get(key) !== "normal") this.dirty.set(key, priority);
      return;
    }
    const existing = this.queued.get(key);
    if (existing) {
      if (existing.priority === "low" && priority === "normal")
        this.enqueue(key, "normal", existing.entry.addedAt);
      return;
    }
    this.enqueue(key, priority, this.clock.now());
  }

  /** Queues key after ms. If it is already waiting with an earlier time, the earlier time wins. */
  addAfter(key: string, ms: number, priority: Priority = "normal"): void {
    if (this.shutting) return;
    if (ms <= 0) {
      this.add(key, priority);
      return;
    }
    const at = this.clock.now() + ms;
    const current = this.readyAt.get(key);
    if (current !== undefined && current <= at) return;
    this.readyAt.set(key, at);
    this.delayed.push(key, at);
    this.armTimer();
  }

  /** Queues key after its backoff: for retries of a failed reconcile. */
  addRateLimited(key: string): void {
    if (this.shutting) return;
    this.metrics.retries.inc({ name: this.name });
    this.addAfter(key, this.limiter.when(key));
  }

  /** Clears key's backoff; call it after a success. */
  forget(key: string): void {
    this.limiter.forget(key);
  }

  /**
   * Forgets everything queued for later about key: its delayed add (addAfter, a backoff retry) and its backoff. For
   * an object that was deleted: a far requeue must not outlive it. A key already queued or in flight is untouched.
   */
  forgetDelayed(key: string): void {
    this.limiter.forget(key);
    if (!this.readyAt.delete(key)) return;
    // The heap entry is now stale; if it was the next to fire, re-arm for the one after it.
    if (this.delayed.peek()?.key === key) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.timerAt = Infinity;
      this.armTimer();
    }
  }

  /** Keys waiting in addAfter or backoff. */
  get delayedLength(): number {
    return this.readyAt.size;
  }

  /** How many times key has been retried since it was last forgotten. */
  numRequeues(key: string): number {
    return this.limiter.retries(key);
  }

  /**
   * The next key to process, waiting for one if needed. Resolves undefined once the queue is shutting down: a worker
   * that gets undefined must exit. Every key obtained must be handed back with done().
   */
  get(): Promise<string | undefined> {
    if (this.shutting) return Promise.resolve(undefined);
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks key processed. If it was added meanwhile, it is queued again. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics.workDuration.observe({ name: this.name }, (this.clock.now() - started) / 1000);
    const again = this.dirty.get(key);
    if (again !== undefined) {
      this.dirty.delete(key);
      if (!this.shutting) this.enqueue(key, again, this.clock.now());
    }
    if (this.processing.size === 0) for (const wake of this.drainWaiters.splice(0)) wake();
  }

  /** Stops handing out work; waiting get() calls resolve undefined. Delayed keys are dropped. */
  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    for (const wake of this.waiters.splice(0)) wake(undefined);
  }

  /** shutDown(), then wait for in-flight keys to be done(), at most deadlineMs. Resolves true if all finished. */
  async shutDownAndDrain(deadlineMs: number): Promise<boolean> {
    this.shutDown();
    if (this.processing.size > 0) {
      const drained = new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      let cancel: (() => void) | undefined;
      const timeout = new Promise<void>((resolve) => (cancel = this.clock.setTimeout(resolve, deadlineMs)));
      await Promise.race([drained, timeout]);
      cancel?.();
    }
    this.unregister();
    return this.processing.size === 0;
  }

  private enqueue(key: string, priority: Priority, addedAt: number): void {
    const entry: Entry = { key, addedAt };
    this.queued.set(key, { entry, priority });
    (priority === "normal" ? this.normal : this.low).push(entry);
    this.metrics.depth.set({ name: this.name }, this.queued.size);
    const waiter = this.waiters.shift();
    if (waiter) {
      const next = this.take();
      if (next === undefined) this.waiters.unshift(waiter);
      else waiter(next);
    }
  }

  private take(): string | undefined {
    const now = this.clock.now();
    for (;;) {
      const lowHead = this.liveHead(this.low);
      const normalHead = this.liveHead(this.normal);
      let lane: Fifo<Entry> | undefined;
      if (lowHead && (!normalHead || now - lowHead.addedAt >= this.agingMs)) lane = this.low;
      else if (normalHead) lane = this.normal;
      if (!lane) return undefined;
      const entry = lane.shift()!;
      this.queued.delete(entry.key);
      this.metrics.depth.set({ name: this.name }, this.queued.size);
      this.metrics.queueDuration.observe({ name: this.name }, (now - entry.addedAt) / 1000);
      this.processing.set(entry.key, now);
      return entry.key;
    }
  }

  /** The first entry of lane that is still current, dropping stale ones (keys moved to the other lane). */
  private liveHead(lane: Fifo<Entry>): Entry | undefined {
    for (let head = lane.peek(); head; head = lane.peek()) {
      if (this.queued.get(head.key)?.entry === head) return head;
      lane.shift();
    }
    return undefined;
  }

  private armTimer(): void {
    const next = this.liveDelayedHead();
    if (!next || next.at >= this.timerAt) return;
    this.cancelTimer?.();
    this.timerAt = next.at;
    // Clamped: a clock whose timers cannot hold a far deadline fires early, releaseDue finds nothing due and
    // re-arms for the rest, once per MAX_TIMER_MS instead of once per millisecond.
    this.cancelTimer = this.clock.setTimeout(
      () => {
        this.timerAt = Infinity;
        this.cancelTimer = undefined;
        this.releaseDue();
      },
      timerDelay(next.at - this.clock.now()),
    );
  }

  /** The earliest delayed entry that is still current, dropping superseded or forgotten ones. */
  private liveDelayedHead(): { key: string; at: number } | undefined {
    for (let head = this.delayed.peek(); head; head = this.delayed.peek()) {
      if (this.readyAt.get(head.key) === head.at) return head;
      this.delayed.pop();
    }
    return undefined;
  }

  private releaseDue(): void {
    const now = this.clock.now();
    for (let next = this.delayed.peek(); next && next.at <= now; next = this.delayed.peek()) {
      this.delayed.pop();
      // Skip heap entries superseded by an earlier addAfter of the same key.
      if (this.readyAt.get(next.key) !== next.at) continue;
      this.readyAt.delete(next.key);
      this.add(next.key);
    }
    this.armTimer();
  }
}
