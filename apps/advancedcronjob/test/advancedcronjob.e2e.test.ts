// AdvancedCronJob against a private control plane (kube-controller-manager runs the Jobs, the simulated kubelet
// finishes their pods by the testenv.kruise.io/exit-code annotation), with the controller in this process on a
// FakeClock: minutes pass in milliseconds.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job } from "kubernetes-types/batch/v1.js";
import {
  AdvancedCronJobKind,
  AdvancedCronJobV1beta1Kind,
  BroadcastJobKind,
  type AdvancedCronJob,
} from "@kruise/api";
import { createClient, FakeClock, type HttpClient, JobKind, loadRestConfig, Manager } from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import { addCronJobController } from "../src/controller.ts";
import { waitFor } from "@kruise/testenv/vitest";

const EXIT_CODE = "testenv.kruise.io/exit-code";
const NamespaceKind = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
} as const;
let cp: ControlPlane;
let client: HttpClient;
let mgr: Manager;
let running: Promise<void>;
let clock: FakeClock;
let ns: string;
let ticking = true;
let clockChain: Promise<void> = Promise.resolve();

/** FakeClock.advance is not reentrant (two overlapping calls can move time backwards), so every move is queued. */
function moveClock(to: () => number): Promise<void> {
  clockChain = clockChain.then(() => clock.advance(Math.max(0, to() - clock.now())));
  return clockChain;
}

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 2, nats: false });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
  ns = "acj-fake-clock";
  await client.create(NamespaceKind, { metadata: { name: ns } });
  clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000 + 1000);
  mgr = await Manager.create({
    name: "acj-test",
    kubeconfig: cp.kubeconfigPath,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    qps: 1000,
    burst: 1000,
    clock,
    logger: pino({ level: "warn" }),
  });
  addCronJobController(mgr, { activeResyncMs: 5_000 });
  running = mgr.start();
  // Let retries and client back-offs (on the fake clock) make progress between explicit jumps: 10 ms per 50 ms.
  void (async () => {
    while (ticking) {
      await moveClock(() => clock.now() + 10);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}, 180_000);

afterAll(async () => {
  ticking = false;
  await mgr?.stop();
  await running?.catch(() => undefined);
  await client?.close();
  await cp?.stop();
});

/** Moves the fake clock to one second past the next whole minute; returns that minute in unix seconds. */
async function toNextMinute(): Promise<number> {
  let minute = 0;
  await moveClock(() => {
    minute = (Math.floor(clock.now() / 60_000) + 1) * 60_000;
    return minute + 1000;
  });
  return minute / 1000;
}

/**
 * Moves the fake clock to the middle of the next minute. The fake clock runs ahead of the API server's clock, so a
 * new cron job's creationTimestamp lies minutes in the past and its latest "missed" minute would start at once; the
 * tests' startingDeadlineSeconds (20 s) makes that run too late, so each test starts from a clean minute.
 */
async function toMidMinute(): Promise<void> {
  await moveClock(() => (Math.floor(clock.now() / 60_000) + 1) * 60_000 + 30_000);
}

function cronJob(
  name: string,
  spec: Partial<NonNullable<AdvancedCronJob["spec"]>>,
  exitCode?: string,
): AdvancedCronJob {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "AdvancedCronJob",
    metadata: { name, namespace: ns },
    spec: {
      schedule: "* * * * *",
      timeZone: "UTC",
      startingDeadlineSeconds: 20,
      template: {
        jobTemplate: {
          metadata: { labels: { cron: name } },
          spec: {
            backoffLimit: 0,
            template: {
              metadata: exitCode === undefined ? {} : { annotations: { [EXIT_CODE]: exitCode } },
              spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] },
            },
          },
        },
      },
      ...spec,
    },
  };
}

async function jobsOf(name: string): Promise<Job[]> {
  return (await client.list(JobKind, { namespace: ns, labelSelector: `cron=${name}` })).items.filter(
    (j) => !j.metadata?.deletionTimestamp,
  );
}

function finished(j: Job): "Complete" | "Failed" | undefined {
  return j.status?.conditions?.find(
    (c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True",
  )?.type as "Complete" | "Failed" | undefined;
}

async function cron(name: string): Promise<AdvancedCronJob> {
  return client.get(AdvancedCronJobKind, name, ns);
}

describe("AdvancedCronJob on a fake clock", () => {
  it("creates a Job named <name>-<unix seconds> on schedule, and reports type, active and lastScheduleTime", async () => {
    await toMidMinute();
    await client.create(AdvancedCronJobKind, cronJob("every-minute", { concurrencyPolicy: "Allow" }));
    await waitFor("status.type", async () => (await cron("every-minute")).status?.type === "Job");
    expect(await jobsOf("every-minute")).toHaveLength(0);
    const minute = await toNextMinute();
    const job = await waitFor("the first run", async () =>
      (await jobsOf("every-minute")).find((j) => j.metadata?.name === `every-minute-${minute}`),
    );
    expect(job.metadata?.annotations?.["apps.kruise.io/scheduled-at"]).toBe(
      new Date(minute * 1000).toISOString().replace(".000Z", "Z"),
    );
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "AdvancedCronJob",
      name: "every-minute",
      controller: true,
    });
    const status = (await cron("every-minute")).status;
    expect(status?.lastScheduleTime).toBe(new Date(minute * 1000).toISOString().replace(".000Z", "Z"));
    expect(status?.active?.map((r) => r.name)).toEqual([`every-minute-${minute}`]);
    await client.delete(AdvancedCronJobKind, "every-minute", ns);
  });

  it("a v1beta1 AdvancedCronJob runs on schedule as its v1alpha1 twin, and each reads back in both versions", async () => {
    await toMidMinute();
    await client.create(AdvancedCronJobKind, cronJob("twin-alpha", { concurrencyPolicy: "Allow" }));
    await client.create(AdvancedCronJobV1beta1Kind, {
      ...cronJob("twin-beta", { concurrencyPolicy: "Allow" }),
      apiVersion: "apps.kruise.io/v1beta1",
    });
    const minute = await toNextMinute();
    for (const name of ["twin-alpha", "twin-beta"]) {
      const job = await waitFor(`${name}'s first run`, async () =>
        (await jobsOf(name)).find((j) => j.metadata?.name === `${name}-${minute}`),
      );
      expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: "AdvancedCronJob", name });
      const status = await waitFor(`${name}'s status`, async () => {
        const s = (await cron(name)).status;
        return s?.active?.length === 1 ? s : undefined;
      });
      expect(status.type).toBe("Job");
      expect(status.lastScheduleTime).toBe(new Date(minute * 1000).toISOString().replace(".000Z", "Z"));
      const asBeta = await client.get(AdvancedCronJobV1beta1Kind, name, ns);
      const asAlpha = await cron(name);
      expect([asAlpha.apiVersion, asBeta.apiVersion]).toEqual([
        "apps.kruise.io/v1alpha1",
        "apps.kruise.io/v1beta1",
      ]);
      expect(asBeta.spec).toEqual(asAlpha.spec);
    }
    await client.delete(AdvancedCronJobKind, "twin-alpha", ns);
    await client.delete(AdvancedCronJobV1beta1Kind, "twin-beta", ns);
  });

  it("creates BroadcastJobs from broadcastJobTemplate", async () => {
    await toMidMinute();
    await client.create(AdvancedCronJobKind, {
      ...cronJob("bcj-cron", {}),
      spec: {
        schedule: "*/1 * * * *",
        timeZone: "UTC",
        startingDeadlineSeconds: 20,
        template: {
          broadcastJobTemplate: {
            metadata: { labels: { cron: "bcj-cron" } },
            spec: {
              template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
            },
          },
        },
      },
    });
    const minute = await toNextMinute();
    await waitFor("a BroadcastJob", async () =>
      (await client.list(BroadcastJobKind, { namespace: ns })).items.some(
        (b) => b.metadata?.name === `bcj-cron-${minute}`,
      ),
    );
    await waitFor(
      "status.type BroadcastJob",
      async () => (await cron("bcj-cron")).status?.type === "BroadcastJob",
    );
    await client.delete(AdvancedCronJobKind, "bcj-cron", ns);
  });

  it.each([
    ["Allow", 2],
    ["Forbid", 1],
    ["Replace", 1],
  ] as const)(
    "concurrencyPolicy %s with runs that never finish leaves %i job(s)",
    async (policy, expected) => {
      const name = `conc-${policy.toLowerCase()}`;
      await toMidMinute();
      await client.create(AdvancedCronJobKind, cronJob(name, { concurrencyPolicy: policy }));
      await waitFor("status.type", async () => (await cron(name)).status?.type === "Job");
      const first = await toNextMinute();
      await waitFor("first run", async () =>
        (await jobsOf(name)).some((j) => j.metadata?.name === `${name}-${first}`),
      );
      await waitFor("first run seen as active", async () => (await cron(name)).status?.active?.length === 1);
      const second = await toNextMinute();
      if (policy === "Forbid") {
        await new Promise((r) => setTimeout(r, 1500));
        expect((await jobsOf(name)).map((j) => j.metadata?.name)).toEqual([`${name}-${first}`]);
      } else {
        await waitFor(`${expected} job(s) incl. the second run`, async () => {
          const names = (await jobsOf(name)).map((j) => j.metadata?.name);
          return names.includes(`${name}-${second}`) && names.length === expected;
        });
        if (policy === "Replace")
          expect((await jobsOf(name)).map((j) => j.metadata?.name)).toEqual([`${name}-${second}`]);
      }
      await client.delete(AdvancedCronJobKind, name, ns);
    },
  );

  it("keeps exactly successfulJobsHistoryLimit and failedJobsHistoryLimit finished runs", async () => {
    await toMidMinute();
    await client.create(AdvancedCronJobKind, cronJob("hist-ok", { successfulJobsHistoryLimit: 2 }, "0"));
    await client.create(AdvancedCronJobKind, cronJob("hist-fail", { failedJobsHistoryLimit: 1 }, "1"));
    await waitFor(
      "status",
      async () =>
        (await cron("hist-ok")).status?.type === "Job" && (await cron("hist-fail")).status?.type === "Job",
    );
    for (let run = 0; run < 4; run++) {
      const minute = await toNextMinute();
      for (const name of ["hist-ok", "hist-fail"]) {
        await waitFor(
          `${name} run ${run} finished`,
          async () => {
            const j = (await jobsOf(name)).find((x) => x.metadata?.name === `${name}-${minute}`);
            return j !== undefined && finished(j) !== undefined;
          },
          60_000,
        );
      }
    }
    await waitFor(
      "history trimmed",
      async () => (await jobsOf("hist-ok")).length === 2 && (await jobsOf("hist-fail")).length === 1,
      30_000,
    );
    expect((await jobsOf("hist-ok")).every((j) => finished(j) === "Complete")).toBe(true);
    expect((await jobsOf("hist-fail")).every((j) => finished(j) === "Failed")).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await jobsOf("hist-ok")).toHaveLength(2);
    expect(await jobsOf("hist-fail")).toHaveLength(1);
    await client.delete(AdvancedCronJobKind, "hist-ok", ns);
    await client.delete(AdvancedCronJobKind, "hist-fail", ns);
  }, 240_000);

  it("respects paused", async () => {
    await toMidMinute();
    await client.create(AdvancedCronJobKind, cronJob("paused", { paused: true }));
    await waitFor("status.type", async () => (await cron("paused")).status?.type === "Job");
    await toNextMinute();
    await toNextMinute();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await jobsOf("paused")).toHaveLength(0);
    await client.patch(AdvancedCronJobKind, "paused", ns, "merge", { spec: { paused: false } });
    const minute = await toNextMinute();
    await waitFor("a run after unpausing", async () =>
      (await jobsOf("paused")).some((j) => j.metadata?.name === `paused-${minute}`),
    );
    await client.delete(AdvancedCronJobKind, "paused", ns);
  });

  it("respects timeZone: 09:00 in Asia/Tokyo is 00:00 UTC", async () => {
    await client.create(
      AdvancedCronJobKind,
      cronJob("tokyo", { schedule: "0 9 * * *", timeZone: "Asia/Tokyo" }),
    );
    await client.create(AdvancedCronJobKind, cronJob("utc", { schedule: "0 9 * * *", timeZone: "UTC" }));
    await waitFor(
      "status",
      async () => (await cron("tokyo")).status?.type === "Job" && (await cron("utc")).status?.type === "Job",
    );
    let midnight = 0;
    await moveClock(() => {
      midnight = (Math.floor(clock.now() / 86_400_000) + 1) * 86_400_000;
      return midnight + 1000;
    });
    await waitFor("tokyo's run at 00:00 UTC", async () =>
      (await jobsOf("tokyo")).some((j) => j.metadata?.name === `tokyo-${midnight / 1000}`),
    );
    await new Promise((r) => setTimeout(r, 1000));
    // Jumping to midnight passes 09:00 UTC on the way, so the UTC twin may have run then; never at midnight.
    const secondsOfDay = async (name: string): Promise<number[]> =>
      (await jobsOf(name)).map((j) => Number(j.metadata!.name!.split("-").pop()) % 86_400);
    expect(await secondsOfDay("tokyo")).toEqual([0]);
    for (const s of await secondsOfDay("utc")) expect(s).toBe(9 * 3600);
    await client.delete(AdvancedCronJobKind, "tokyo", ns);
    await client.delete(AdvancedCronJobKind, "utc", ns);
  });
});
