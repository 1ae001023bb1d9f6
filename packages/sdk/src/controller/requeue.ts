import { MAX_TIMER_MS } from "../clock/timer-limit.ts";
import type { ReconcileResult } from "./types.ts";

/**
 * Collects the deadlines one reconcile finds (a grace period ends, a pod turns available, a TTL runs out) and
 * answers the soonest as a ReconcileResult.
 *
 * Guarantees: undefined, NaN, infinite and negative delays are ignored (a past deadline counts as 1 ms); the answer
 * is at least 1 ms and at most 2^31-1 ms, the longest a Node.js timer holds (a longer wait is taken in steps, since
 * a reconcile that finds it still early asks again).
 */
export class Requeue {
  private soonestMs = Infinity;

  /** Reconcile again after `ms` milliseconds (ignored when undefined or not finite). */
  after(ms: number | undefined): this {
    if (ms !== undefined && Number.isFinite(ms)) this.soonestMs = Math.min(this.soonestMs, Math.max(ms, 1));
    return this;
  }

  /** Reconcile again at `epochMs`, measured against `now`. */
  at(epochMs: number | undefined, now: number): this {
    return epochMs === undefined ? this : this.after(epochMs - now);
  }

  /** The soonest delay collected, or undefined when nothing is due. */
  get delayMs(): number | undefined {
    return Number.isFinite(this.soonestMs) ? Math.min(this.soonestMs, MAX_TIMER_MS) : undefined;
  }

  /** `{ requeueAfter }` for the soonest deadline, or undefined (nothing to wait for). */
  result(): ReconcileResult | undefined {
    const ms = this.delayMs;
    return ms === undefined ? undefined : { requeueAfter: ms };
  }
}
