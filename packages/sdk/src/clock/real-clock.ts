import type { Clock } from "./clock.ts";
import { MAX_TIMER_MS, timerDelay } from "./timer-limit.ts";

/**
 * The wall clock: Date.now() and Node timers. Timers are unref'd so a pending requeue never keeps a process alive.
 *
 * # Guarantees
 * - A delay longer than a Node timer can hold (MAX_TIMER_MS) is waited in steps of MAX_TIMER_MS, so it fires when
 *   due, never early; Infinity never fires. NaN and negatives fire on the next turn.
 */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): () => void {
    let timer: NodeJS.Timeout;
    const arm = (left: number): void => {
      const step = timerDelay(left);
      timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - step) : fn()), step);
      timer.unref();
    };
    arm(ms);
    return () => clearTimeout(timer);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}

/** The process-wide default clock. */
export const realClock: Clock = new RealClock();

/** sleep() in terms of setTimeout(), shared by every Clock implementation. */
export function sleepOn(clock: Pick<Clock, "setTimeout">, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      cancel();
      reject(abortReason(signal!));
    };
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("aborted");
}
