import { describe, expect, it } from "vitest";
import type { AdvancedCronJob } from "@kruise/api";
import { buildChild, childName } from "../src/child-builder.ts";
import type { ChildInfo } from "../src/children.ts";
import { planCronJob } from "../src/cron-plan.ts";
import { childrenBeyondHistory } from "../src/history.ts";
import { runTimes, tooLateToStart } from "../src/missed-runs.ts";
import { parseGoDuration, parseSchedule, ScheduleError } from "../src/schedule.ts";

const T = (iso: string): number => Date.parse(iso);

describe("parseSchedule", () => {
  it.each([
    ["*/5 * * * *", undefined, "2025-01-01T00:05:00Z", "2025-01-01T00:10:00Z"],
    ["0 9 * * *", "Asia/Tokyo", "2025-01-01T00:05:00Z", "2025-01-02T00:00:00Z"], // 09:00 JST = 00:00 UTC
    ["0 9 * * *", "UTC", "2025-01-01T00:05:00Z", "2025-01-01T09:00:00Z"],
    ["CRON_TZ=Asia/Tokyo 0 9 * * *", undefined, "2025-01-01T00:05:00Z", "2025-01-02T00:00:00Z"],
    ["TZ=UTC 30 * * * *", undefined, "2025-01-01T00:05:00Z", "2025-01-01T00:30:00Z"],
    ["@hourly", "UTC", "2025-01-01T00:05:00Z", "2025-01-01T01:00:00Z"],
    ["@daily", "UTC", "2025-01-01T00:05:00Z", "2025-01-02T00:00:00Z"],
    ["@every 90s", undefined, "2025-01-01T00:00:00.400Z", "2025-01-01T00:01:30Z"],
    ["0 0 1 * MON", "UTC", "2025-01-27T00:00:00Z", "2025-02-01T00:00:00Z"], // day-of-month OR day-of-week
    ["0 0 1 * *", "UTC", "2025-01-27T00:00:00Z", "2025-02-01T00:00:00Z"], // day-of-week "*": AND
    ["0 0 * * 0", "UTC", "2025-01-01T00:00:00Z", "2025-01-05T00:00:00Z"], // Sunday is 0
    ["0 12 31 * *", "UTC", "2025-02-01T00:00:00Z", "2025-03-31T12:00:00Z"], // months without a 31st skipped
    ["15 10 * * mon-fri", "UTC", "2025-01-03T11:00:00Z", "2025-01-06T10:15:00Z"], // names, any case
    ["0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"], // leap day
  ])("%s (tz %s) after %s is %s", (schedule, tz, after, expected) => {
    expect(new Date(parseSchedule(schedule, tz).next(T(after))).toISOString()).toBe(
      new Date(T(expected)).toISOString(),
    );
  });

  it.each([
    ["0 0 * * 7", undefined, /end of range \(7\) above maximum \(6\)/],
    ["0 0 * * 1-7", undefined, /above maximum/],
    ["0 */0 * * *", undefined, /step of range should be a positive number/],
    ["5-1 * * * *", undefined, /beyond end of range/],
    ["61 * * * *", undefined, /spec.schedule/],
    ["* * * * * *", undefined, /spec.schedule/],
    ["0 * * * *", "Mars/Olympus", /spec.timeZone: unknown time zone/],
    ["0 * * * *", "Local", /not allowed/],
    ["TZ=UTC 0 * * * *", "UTC", /not both/],
    ["@every soon", undefined, /@every 1h30m/],
  ])("rejects %s (tz %s)", (schedule, tz, message) => {
    expect(() => parseSchedule(schedule, tz)).toThrow(ScheduleError);
    expect(() => parseSchedule(schedule, tz)).toThrow(message);
  });

  // robfig/cron walks wall-clock time by adding hours and minutes to an instant. America/New_York in 2026:
  // clocks go 02:00 EST -> 03:00 EDT on 8 March and 02:00 EDT -> 01:00 EST on 1 November.
  it("a time in the spring-forward gap is skipped that day", () => {
    const s = parseSchedule("30 2 * * *", "America/New_York");
    expect(new Date(s.next(T("2026-03-07T00:00:00Z"))).toISOString()).toBe("2026-03-07T07:30:00.000Z");
    expect(new Date(s.next(T("2026-03-07T07:30:00Z"))).toISOString()).toBe("2026-03-09T06:30:00.000Z");
  });

  it("a time in the autumn overlap runs twice, once in each offset", () => {
    const s = parseSchedule("30 1 * * *", "America/New_York");
    const first = s.next(T("2026-10-31T12:00:00Z"));
    expect(new Date(first).toISOString()).toBe("2026-11-01T05:30:00.000Z"); // 01:30 EDT
    const second = s.next(first);
    expect(new Date(second).toISOString()).toBe("2026-11-01T06:30:00.000Z"); // 01:30 EST
    expect(new Date(s.next(second)).toISOString()).toBe("2026-11-02T06:30:00.000Z");
  });

  it("an hourly schedule across both changes: 23 runs on the short day, 25 on the long one", () => {
    const s = parseSchedule("0 * * * *", "America/New_York");
    const runsBetween = (from: string, to: string): number => {
      let n = 0;
      for (let t = s.next(T(from)); t < T(to); t = s.next(t)) n++;
      return n;
    };
    expect(runsBetween("2026-03-08T04:59:00Z", "2026-03-09T03:59:00Z")).toBe(23);
    expect(runsBetween("2026-11-01T03:59:00Z", "2026-11-02T04:59:00Z")).toBe(25);
  });

  it("a daily midnight run where midnight itself does not exist is skipped that day (America/Santiago)", () => {
    // Chile moves 00:00 -> 01:00 on 6 September 2026; robfig's hour walk never sees hour 0 that day.
    const s = parseSchedule("0 0 * * *", "America/Santiago");
    expect(new Date(s.next(T("2026-09-05T12:00:00Z"))).toISOString()).toBe("2026-09-07T03:00:00.000Z");
  });

  it("parses Go durations", () => {
    expect(parseGoDuration("1h30m")).toBe(5_400_000);
    expect(parseGoDuration("1.5s")).toBe(1500);
    expect(parseGoDuration("5")).toBeUndefined();
  });
});

describe("runTimes (missed schedules)", () => {
  const everyMinute = parseSchedule("* * * * *", "UTC");
  it("nothing missed yet", () => {
    expect(
      runTimes(everyMinute, { creationTime: T("2025-01-01T00:00:10Z"), now: T("2025-01-01T00:00:50Z") }),
    ).toEqual({ next: T("2025-01-01T00:01:00Z") });
  });
  it("only the most recent missed run is started", () => {
    const r = runTimes(everyMinute, {
      lastScheduleTime: T("2025-01-01T00:00:00Z"),
      creationTime: 0,
      now: T("2025-01-01T00:10:30Z"),
    });
    expect(r.lastMissed).toBe(T("2025-01-01T00:10:00Z"));
    expect(r.next).toBe(T("2025-01-01T00:11:00Z"));
  });
  it("more than 100 missed runs starts nothing", () => {
    expect(
      runTimes(everyMinute, {
        lastScheduleTime: T("2025-01-01T00:00:00Z"),
        creationTime: 0,
        now: T("2025-01-01T03:00:00Z"),
      }).tooManyMissed,
    ).toBe(true);
  });
  it("startingDeadlineSeconds bounds the look-back, so a long outage is not 'too many'", () => {
    const r = runTimes(everyMinute, {
      lastScheduleTime: T("2025-01-01T00:00:00Z"),
      creationTime: 0,
      now: T("2025-01-01T03:00:30Z"),
      startingDeadlineSeconds: 60,
    });
    expect(r.tooManyMissed).toBeUndefined();
    expect(r.lastMissed).toBe(T("2025-01-01T03:00:00Z"));
  });
  it("@every counts from the previous run, even when the timer fires a millisecond early", () => {
    const every3s = parseSchedule("@every 3s");
    const r = runTimes(every3s, {
      lastScheduleTime: T("2025-01-01T00:00:10Z"),
      creationTime: 0,
      now: T("2025-01-01T00:00:12.999Z"),
    });
    expect(r.lastMissed).toBeUndefined();
    expect(r.next).toBe(T("2025-01-01T00:00:13Z"));
    expect(
      runTimes(every3s, {
        lastScheduleTime: T("2025-01-01T00:00:10Z"),
        creationTime: 0,
        now: T("2025-01-01T00:00:13.004Z"),
      }),
    ).toEqual({
      lastMissed: T("2025-01-01T00:00:13Z"),
      next: T("2025-01-01T00:00:16Z"),
    });
  });
  it("a run older than startingDeadlineSeconds is too late", () => {
    expect(tooLateToStart(T("2025-01-01T00:00:00Z"), T("2025-01-01T00:00:31Z"), 30)).toBe(true);
    expect(tooLateToStart(T("2025-01-01T00:00:00Z"), T("2025-01-01T00:00:30Z"), 30)).toBe(false);
    expect(tooLateToStart(T("2025-01-01T00:00:00Z"), T("2025-01-09T00:00:00Z"), undefined)).toBe(false);
  });
});

function child(name: string, state: ChildInfo["state"], start: number, scheduled = start): ChildInfo {
  return {
    kind: "Job",
    apiVersion: "batch/v1",
    name,
    namespace: "ns",
    uid: `uid-${name}`,
    state,
    startTime: start,
    scheduledTime: scheduled,
  };
}

describe("history", () => {
  it.each([
    [3, 1, ["s1", "f1"]],
    [0, 0, ["s1", "s2", "s3", "s4", "f1", "f2"]],
    [10, 10, []],
  ])("successful=%i failed=%i trims %j", (successful, failed, expected) => {
    const children = [
      child("s2", "Complete", 2),
      child("s1", "Complete", 1),
      child("s4", "Complete", 4),
      child("s3", "Complete", 3),
      child("f1", "Failed", 1),
      child("f2", "Failed", 2),
      child("a", "Active", 5),
    ];
    expect(childrenBeyondHistory(children, { successful, failed }).map((c) => c.name)).toEqual(expected);
  });
});

function acj(
  spec: Partial<NonNullable<AdvancedCronJob["spec"]>> = {},
  status: AdvancedCronJob["status"] = {},
): AdvancedCronJob {
  return {
    metadata: { name: "cron", namespace: "ns", uid: "acj-uid", creationTimestamp: "2025-01-01T00:00:00Z" },
    spec: {
      schedule: "* * * * *",
      timeZone: "UTC",
      template: {
        jobTemplate: { metadata: { labels: { a: "b" } }, spec: { template: { spec: { containers: [] } } } },
      },
      ...spec,
    },
    status,
  };
}

describe("planCronJob", () => {
  const now = T("2025-01-01T00:01:05Z");
  it("starts the due run, named <name>-<unix seconds>, and requeues at the next run", () => {
    const plan = planCronJob({ acj: acj(), children: [], now });
    expect(plan.startRun).toBe(T("2025-01-01T00:01:00Z"));
    expect(plan.requeueAfterMs).toBe(55_000);
    expect(plan.status).toMatchObject({ type: "Job", lastScheduleTime: "2025-01-01T00:01:00Z" });
    const built = buildChild(acj(), plan.startRun!);
    expect(built.object.metadata?.name).toBe(childName("cron", plan.startRun!));
    expect(built.object.metadata?.name).toBe("cron-1735689660");
    expect(built.object.metadata?.annotations?.["apps.kruise.io/scheduled-at"]).toBe("2025-01-01T00:01:00Z");
    expect(built.object.metadata?.labels).toEqual({ a: "b" });
    expect(built.object.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "AdvancedCronJob",
      controller: true,
    });
  });
  it("does nothing before the first run", () => {
    const plan = planCronJob({ acj: acj(), children: [], now: T("2025-01-01T00:00:30Z") });
    expect(plan.startRun).toBeUndefined();
    expect(plan.requeueAfterMs).toBe(30_000);
  });
  it("paused starts nothing and sets no timer", () => {
    const plan = planCronJob({ acj: acj({ paused: true }), children: [], now });
    expect(plan.startRun).toBeUndefined();
    expect(plan.requeueAfterMs).toBeUndefined();
  });
  it("Forbid skips while a run is active", () => {
    const plan = planCronJob({
      acj: acj({ concurrencyPolicy: "Forbid" }, { lastScheduleTime: "2025-01-01T00:00:00Z" }),
      children: [child("cron-old", "Active", 0)],
      now,
    });
    expect(plan.startRun).toBeUndefined();
  });
  it("Allow starts alongside an active run", () => {
    const plan = planCronJob({
      acj: acj({ concurrencyPolicy: "Allow" }, { lastScheduleTime: "2025-01-01T00:00:00Z" }),
      children: [child("cron-old", "Active", 0)],
      now,
    });
    expect(plan.startRun).toBe(T("2025-01-01T00:01:00Z"));
    expect(plan.replace).toEqual([]);
  });
  it("Replace deletes the active run first", () => {
    const plan = planCronJob({
      acj: acj({ concurrencyPolicy: "Replace" }, { lastScheduleTime: "2025-01-01T00:00:00Z" }),
      children: [child("cron-old", "Active", 0)],
      now,
    });
    expect(plan.startRun).toBe(T("2025-01-01T00:01:00Z"));
    expect(plan.replace.map((c) => c.name)).toEqual(["cron-old"]);
  });
  it("never re-runs a time already started, even when its child was trimmed from the cache", () => {
    const plan = planCronJob({
      acj: acj({}, {}),
      children: [],
      now,
      lastStartedRun: T("2025-01-01T00:01:00Z"),
    });
    expect(plan.startRun).toBeUndefined();
  });
  it("takes lastScheduleTime from the newest child when status lags", () => {
    const plan = planCronJob({
      acj: acj(),
      children: [child("c", "Complete", 1, T("2025-01-01T00:01:00Z"))],
      now,
    });
    expect(plan.startRun).toBeUndefined();
    expect(plan.status.lastScheduleTime).toBe("2025-01-01T00:01:00Z");
  });
  it("a bad schedule gives a Warning event and no timer", () => {
    const plan = planCronJob({ acj: acj({ schedule: "99 * * * *" }), children: [], now });
    expect(plan.events[0]).toMatchObject({ type: "Warning", reason: "UnparseableSchedule" });
    expect(plan.requeueAfterMs).toBeUndefined();
  });
  it("reports the template type and active children", () => {
    const b = acj(
      { template: { broadcastJobTemplate: { spec: { template: { spec: { containers: [] } } } } } },
      { lastScheduleTime: "2025-01-01T00:01:00Z" },
    );
    const plan = planCronJob({
      acj: b,
      children: [{ ...child("x", "Active", 0), kind: "BroadcastJob" }],
      now,
    });
    expect(plan.status.type).toBe("BroadcastJob");
    expect(plan.status.active?.map((r) => r.name)).toEqual(["x"]);
  });
  it("notices children that finished since the last status", () => {
    const a = acj({}, { lastScheduleTime: "2025-01-01T00:01:00Z", active: [{ name: "x", uid: "uid-x" }] });
    expect(
      planCronJob({ acj: a, children: [child("x", "Complete", 0)], now }).newlyFinished.map((c) => c.name),
    ).toEqual(["x"]);
  });
});
