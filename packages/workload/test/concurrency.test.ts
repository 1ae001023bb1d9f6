import { describe, expect, it } from "vitest";
import { settleWithLimit, slowStartWindow } from "../src/index.ts";

describe("slowStartWindow", () => {
  // ReplicaSet slowStartBatch / CloneSet DoItSlowly: 1, 2, 4, … then a sliding window; stop after a failure.
  const cases: Array<{
    name: string;
    count: number;
    window: number;
    failAt?: number;
    attempted: number;
    succeeded: number;
  }> = [
    { name: "nothing to do", count: 0, window: 4, attempted: 0, succeeded: 0 },
    { name: "all succeed", count: 10, window: 4, attempted: 10, succeeded: 10 },
    {
      name: "a failure in the second batch stops the rest",
      count: 10,
      window: 64,
      failAt: 2,
      attempted: 3,
      succeeded: 2,
    },
    {
      name: "the first call failing costs one call",
      count: 100,
      window: 64,
      failAt: 0,
      attempted: 1,
      succeeded: 0,
    },
  ];
  it.each(cases)("$name", async ({ count, window, failAt, attempted, succeeded }) => {
    const result = await slowStartWindow(count, window, async (i) => {
      if (i === failAt) throw new Error("quota exceeded");
    });
    expect(result.attempted.size).toBe(attempted);
    expect(result.succeeded).toBe(succeeded);
    expect(result.error === undefined).toBe(failAt === undefined);
  });

  it("never has more than the window in flight", async () => {
    let inFlight = 0;
    let most = 0;
    await slowStartWindow(200, 8, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
    });
    expect(most).toBeLessThanOrEqual(8);
  });
});

describe("settleWithLimit", () => {
  it("runs every call, in order, with at most `limit` in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await settleWithLimit([1, 2, 3, 4, 5], 2, async (n) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      if (n === 3) throw new Error("three");
      return n * 10;
    });
    expect(most).toBe(2);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : "x"))).toEqual([10, 20, "x", 40, 50]);
  });
});
