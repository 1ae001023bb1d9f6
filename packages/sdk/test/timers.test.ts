import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { Clock } from "../src/clock/index.ts";
import { FakeClock, MAX_TIMER_MS, RealClock, timerDelay } from "../src/clock/index.ts";
import { WorkQueue } from "../src/queue/index.ts";
import { startLeaderElection } from "../src/leader/index.ts";
import type { Client } from "../src/client/index.ts";

/** A clock that counts the timers asked of it and the longest delay asked for. */
class CountingClock implements Clock {
  armed = 0;
  longest = 0;
  private readonly inner: Clock;
  constructor(inner: Clock) {
    this.inner = inner;
  }
  now(): number {
    return this.inner.now();
  }
  setTimeout(fn: () => void, ms: number): () => void {
    this.armed++;
    this.longest = Math.max(this.longest, ms);
    return this.inner.setTimeout(fn, ms);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.inner.sleep(ms, signal);
  }
}

const FAR = 2_147_483_647_000; // minReadySeconds: 2147483647, in ms

function overflowWarnings(): { count: () => number; stop: () => void } {
  let n = 0;
  const onWarning = (w: Error): void => {
    if (w.name === "TimeoutOverflowWarning") n++;
  };
  process.on("warning", onWarning);
  return { count: () => n, stop: () => process.off("warning", onWarning) };
}

describe("timers fit the platform (2^31-1 ms)", () => {
  it("timerDelay clamps NaN, negatives and far delays", () => {
    expect(timerDelay(Number.NaN)).toBe(0);
    expect(timerDelay(-5)).toBe(0);
    expect(timerDelay(10)).toBe(10);
    expect(timerDelay(FAR)).toBe(MAX_TIMER_MS);
    expect(timerDelay(Infinity)).toBe(MAX_TIMER_MS);
  });

  it("RealClock never fires a far timer early and raises no TimeoutOverflowWarning", async () => {
    const warnings = overflowWarnings();
    let fired = 0;
    const clock = new RealClock();
    const cancel = clock.setTimeout(() => fired++, FAR);
    const cancelInf = clock.setTimeout(() => fired++, Infinity);
    await new Promise((r) => setTimeout(r, 50));
    cancel();
    cancelInf();
    warnings.stop();
    expect(fired).toBe(0);
    expect(warnings.count()).toBe(0);
  });

  it("a WorkQueue with a far addAfter arms one timer and does not spin (real time)", async () => {
    const warnings = overflowWarnings();
    const clock = new CountingClock(new RealClock());
    const q = new WorkQueue({ name: "far", clock, registry: new Registry() });
    q.addAfter("ns/far", FAR);
    await new Promise((r) => setTimeout(r, 100));
    warnings.stop();
    expect(clock.armed).toBeLessThanOrEqual(1);
    expect(clock.longest).toBeLessThanOrEqual(MAX_TIMER_MS);
    expect(q.length).toBe(0);
    expect(warnings.count()).toBe(0);
    q.shutDown();
  });

  it("a WorkQueue never asks its clock for more than MAX_TIMER_MS, and still releases the key when due", async () => {
    const fake = new FakeClock();
    const clock = new CountingClock(fake);
    const q = new WorkQueue({ name: "far-fake", clock, registry: new Registry() });
    q.addAfter("ns/a", 3 * MAX_TIMER_MS);
    expect(clock.longest).toBeLessThanOrEqual(MAX_TIMER_MS);
    await fake.advance(3 * MAX_TIMER_MS - 1);
    expect(q.length).toBe(0);
    await fake.advance(1);
    expect(q.length).toBe(1);
    expect(clock.armed).toBeLessThanOrEqual(4); // one per MAX_TIMER_MS step, not one per millisecond
    q.shutDown();
  });

  it("forgetDelayed drops a key's delayed entry and its timer (a deleted object's far requeue)", async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ name: "forget", clock, registry: new Registry() });
    q.addAfter("ns/gone", FAR);
    q.addAfter("ns/kept", 1000);
    expect(q.delayedLength).toBe(2);
    q.forgetDelayed("ns/gone");
    expect(q.delayedLength).toBe(1);
    await clock.advance(1000);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe("ns/kept");
    q.done("ns/kept");
    expect(clock.pendingTimers()).toBe(0);
    q.shutDown();
  });

  it("leader election refuses a lease duration no timer can hold", () => {
    expect(() =>
      startLeaderElection({
        client: {} as Client,
        namespace: "default",
        name: "x",
        identity: "me",
        leaseDurationMs: FAR,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      }),
    ).toThrow(/at most 2147483647 ms/);
  });
});
