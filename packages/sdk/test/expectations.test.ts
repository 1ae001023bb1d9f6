import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../src/clock/index.ts";
import { ResourceVersionExpectations, ScaleExpectations } from "../src/expectations/index.ts";

describe("ScaleExpectations", () => {
  it("expecting an empty list leaves nothing outstanding", () => {
    const e = new ScaleExpectations({ name: "t", clock: new FakeClock(), registry: new Registry() });
    e.expectCreations("ns/a", []);
    e.expectDeletions("ns/a", []);
    expect(e.satisfied("ns/a")).toBe(true);
  });
  it("is unsatisfied until every expected create and delete is observed", () => {
    const e = new ScaleExpectations({ name: "t", clock: new FakeClock(), registry: new Registry() });
    expect(e.satisfied("ns/a")).toBe(true);
    e.expectCreations("ns/a", ["p1", "p2"]);
    e.expectDeletions("ns/a", ["p0"]);
    e.creationObserved("ns/a", "p1");
    e.creationObserved("ns/a", "p1"); // a duplicate event changes nothing
    e.deletionObserved("ns/a", "p0");
    expect(e.satisfied("ns/a")).toBe(false);
    expect(e.outstanding("ns/a")).toEqual({ creations: ["p2"], deletions: [] });
    e.creationObserved("ns/a", "p2");
    expect(e.satisfied("ns/a")).toBe(true);
  });

  it("heals a leak after the timeout and reports the oldest unsatisfied age", async () => {
    const clock = new FakeClock();
    const registry = new Registry();
    const e = new ScaleExpectations({ name: "ctl", clock, registry, timeoutMs: 300_000 });
    e.expectCreations("ns/a", ["never-seen"]);
    await clock.advance(120_000);
    expect(e.satisfied("ns/a")).toBe(false);
    expect(await registry.metrics()).toMatch(
      /expectations_oldest_unsatisfied_seconds\{name="ctl",type="scale"\} 120/,
    );
    await clock.advance(180_000);
    expect(e.satisfied("ns/a")).toBe(true);
    expect(e.outstanding("ns/a").creations).toEqual([]);
  });
});

describe("ResourceVersionExpectations", () => {
  const obj = (rv: string) => ({ metadata: { uid: "u1", resourceVersion: rv } });
  it("waits for the cache to reach the written resourceVersion, numerically", () => {
    const e = new ResourceVersionExpectations({
      name: "t",
      clock: new FakeClock(),
      registry: new Registry(),
    });
    e.expect(obj("100"));
    expect(e.satisfied(obj("99"))).toBe(false);
    expect(e.satisfied(obj("1000"))).toBe(true); // "1000" < "99" as strings; numbers are what count
    e.expect(obj("200"));
    e.observe(obj("200"));
    expect(e.satisfied(obj("150"))).toBe(true);
  });

  it("times out", async () => {
    const clock = new FakeClock();
    const e = new ResourceVersionExpectations({
      name: "t",
      clock,
      registry: new Registry(),
      timeoutMs: 1000,
    });
    e.expect(obj("5"));
    expect(e.satisfied(obj("4"))).toBe(false);
    await clock.advance(1000);
    expect(e.satisfied(obj("4"))).toBe(true);
  });
});
