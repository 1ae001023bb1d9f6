import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../src/clock/index.ts";
import { WorkQueue } from "../src/queue/index.ts";
import type { WorkQueueOptions } from "../src/queue/index.ts";

const newQueue = (clock: FakeClock, extra: Partial<WorkQueueOptions> = {}) =>
  new WorkQueue({ name: "test", clock, registry: new Registry(), ...extra });

/** Takes what is ready right now, without waiting. */
async function drainReady(q: WorkQueue): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) {
    const key = await q.get();
    if (key === undefined) break;
    out.push(key);
  }
  return out;
}

describe("WorkQueue (pure, FakeClock)", () => {
  it("dedups and never hands out a key that is in flight; an add during processing runs again after done()", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add("a");
    q.add("a");
    q.add("b");
    expect(q.length).toBe(2);
    const first = await q.get();
    expect(first).toBe("a");
    q.add("a"); // arrives while "a" is being reconciled
    expect(await drainReady(q)).toEqual(["b"]); // "a" is not handed out a second time
    let extra: string | undefined;
    void q.get().then((k) => (extra = k));
    await clock.advance(1);
    expect(extra).toBeUndefined();
    q.done("a");
    await clock.advance(1);
    expect(extra).toBe("a"); // dirty key runs again after its reconcile
    q.done("a");
    q.done("b");
    expect(q.length).toBe(0);
  });

  it("keeps at most one worker per key under concurrent workers", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    const active = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const worker = async (): Promise<void> => {
      for (let key = await q.get(); key !== undefined; key = await q.get()) {
        if (active.has(key)) overlaps++;
        active.add(key);
        await clock.sleep(Math.floor(Math.random() * 5));
        if (Math.random() < 0.3) q.add(key);
        active.delete(key);
        processed++;
        q.done(key);
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    for (let i = 0; i < 500; i++) {
      q.add(`k${i % 7}`);
      if (i % 10 === 0) await clock.advance(2);
    }
    for (let i = 0; i < 200 && (q.length > 0 || q.inFlight > 0); i++) await clock.advance(5);
    q.shutDown();
    await clock.advance(10);
    await Promise.all(workers);
    expect(overlaps).toBe(0);
    expect(processed).toBeGreaterThan(7);
  });

  it("backs off exponentially per key (5 ms doubling, capped) and resets on forget()", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, { maxDelayMs: 1000 });
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      q.addRateLimited("k");
      const start = clock.now();
      let got: string | undefined;
      void q.get().then((k) => (got = k));
      while (got === undefined) await clock.advance(1);
      delays.push(clock.now() - start);
      q.done("k");
    }
    expect(delays).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    expect(q.numRequeues("k")).toBe(10);
    q.forget("k");
    expect(q.numRequeues("k")).toBe(0);
    q.addRateLimited("k");
    await clock.advance(4);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(q.length).toBe(1);
  });

  it("throttles retries overall with the token bucket (burst, then qps)", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, { qps: 10, burst: 5, baseDelayMs: 1 });
    for (let i = 0; i < 15; i++) q.addRateLimited(`k${i}`);
    await clock.advance(1);
    expect(q.length).toBe(5); // the burst
    await clock.advance(500);
    expect(q.length).toBe(10); // then 10 per second
  });

  it("addAfter waits on the clock, and the earliest of two addAfters wins", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.addAfter("x", 1000);
    q.addAfter("x", 200);
    q.addAfter("x", 5000);
    await clock.advance(199);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(await drainReady(q)).toEqual(["x"]);
    q.done("x");
    await clock.advance(10_000);
    expect(q.length).toBe(0); // the later timers were superseded
  });

  it("ages low-priority (initial-list) keys so a steady stream of live keys cannot starve them", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock, { agingMs: 1000 });
    q.add("initial-1", "low");
    q.add("initial-2", "low");
    const order: string[] = [];
    // Steady load: a new live key every 100 ms, each taking 100 ms; the queue is never empty of live keys.
    for (let t = 0; t < 30; t++) {
      q.add(`live-${t}`);
      q.add(`live-${t}b`);
      const key = (await q.get())!;
      order.push(key);
      await clock.advance(100);
      q.done(key);
    }
    const firstInitial = order.indexOf("initial-1");
    expect(order.slice(0, 3).every((k) => k.startsWith("live"))).toBe(true); // live changes go first...
    expect(firstInitial).toBeGreaterThan(0);
    expect(firstInitial).toBeLessThanOrEqual(11); // ...until the old key has waited about agingMs
    expect(order).toContain("initial-2");
  });

  it("dedups across priorities: a live add of a queued low key moves it, it is still handed out once", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add("a", "low");
    q.add("b");
    q.add("a");
    expect(q.length).toBe(2);
    expect((await drainReady(q)).sort()).toEqual(["a", "b"]);
  });

  it("shutDownAndDrain stops handing out work and waits for in-flight keys up to a deadline", async () => {
    const clock = new FakeClock();
    const q = newQueue(clock);
    q.add("busy");
    q.add("waiting");
    const key = await q.get();
    let drained: boolean | undefined;
    void q.shutDownAndDrain(5000).then((ok) => (drained = ok));
    expect(await q.get()).toBeUndefined();
    await clock.advance(1000);
    expect(drained).toBeUndefined();
    q.done(key!);
    await clock.advance(1);
    expect(drained).toBe(true);

    const q2 = newQueue(clock);
    q2.add("stuck");
    await q2.get();
    let drained2: boolean | undefined;
    void q2.shutDownAndDrain(5000).then((ok) => (drained2 = ok));
    await clock.advance(5000);
    expect(drained2).toBe(false);
  });

  it("exports controller-runtime's workqueue metrics", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const q = new WorkQueue({ name: "metrics", clock, registry });
    q.add("a");
    q.addRateLimited("b");
    await q.get();
    await clock.advance(2000);
    const text = await registry.metrics();
    for (const name of [
      "workqueue_depth",
      "workqueue_adds_total",
      "workqueue_queue_duration_seconds",
      "workqueue_work_duration_seconds",
      "workqueue_retries_total",
      "workqueue_unfinished_work_seconds",
      "workqueue_longest_running_processor_seconds",
    ]) {
      expect(text).toContain(`${name}`);
    }
    expect(text).toMatch(/workqueue_longest_running_processor_seconds\{name="metrics"\} 2/);
  });
});
