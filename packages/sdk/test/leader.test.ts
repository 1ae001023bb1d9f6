import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { Client } from "../src/client/index.ts";
import type { Kind } from "../src/kind.ts";
import { FakeClock } from "../src/clock/index.ts";
import { LeaseKind } from "../src/kinds/core.ts";
import { startLeaderElection, toMicroTime, type LeaderElection } from "../src/leader/index.ts";
import { createTestClient } from "./support/comms-client.ts";
import type { ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";
import { stopProcess } from "./support/stop-process.ts";

const namespaceKind: Kind<Namespace> = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
};

// Short timings keep the suite quick; the ratios match the defaults (15 s / 10 s / 2 s).
const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 400 };
// Request latency on a busy 2-core machine.
const slackMs = 750;
const microTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

let cp: ControlPlane;
let client: Client;
let namespace: string;
const elections: LeaderElection[] = [];

beforeAll(async () => {
  cp = await startPrivateControlPlane();
  client = createTestClient({ server: cp.server, token: cp.adminToken, ca: cp.caData });
  // A private control plane, so a fixed namespace cannot collide with other tests.
  namespace = "leader-election";
  await client.create(namespaceKind, { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
});

afterAll(async () => {
  await Promise.all(elections.map((e) => e.release()));
  await cp?.stop();
});

function elect(name: string, identity: string, c: Client = client): LeaderElection {
  const election = startLeaderElection({ client: c, namespace, name, identity, ...timings });
  elections.push(election);
  return election;
}

interface ChildElector {
  process: ChildProcess;
  acquired: Promise<number>;
}

function spawnChildElector(name: string, identity: string): ChildElector {
  const script = fileURLToPath(new URL("./support/leader-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--conditions=@kruise/source", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      LEADER_SERVER: cp.server,
      LEADER_TOKEN: cp.adminToken,
      LEADER_CA: cp.caData,
      LEADER_NAMESPACE: namespace,
      LEADER_NAME: name,
      LEADER_IDENTITY: identity,
      LEADER_LEASE_MS: String(timings.leaseDurationMs),
      LEADER_RENEW_MS: String(timings.renewDeadlineMs),
      LEADER_RETRY_MS: String(timings.retryPeriodMs),
    },
  });
  const acquired = new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const message = JSON.parse(line) as { event: string; at: number };
      if (message.event === "acquired") resolve(message.at);
    });
    child.once("exit", (code) => reject(new Error(`leader child exited (${code}) before acquiring`)));
  });
  acquired.catch(() => {});
  return { process: child, acquired };
}

describe("toMicroTime", () => {
  it("writes six fractional digits", () => {
    expect(toMicroTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe("2025-01-02T03:04:05.678000Z");
  });
});

describe("startLeaderElection options", () => {
  it("rejects timings where a leader could outlive its lease", () => {
    expect(() =>
      startLeaderElection({
        client: {} as Client,
        namespace: "n",
        name: "l",
        identity: "a",
        leaseDurationMs: 5_000,
        renewDeadlineMs: 5_000,
      }),
    ).toThrow(/renewDeadlineMs \(5000\) < leaseDurationMs \(5000\)/);
  });
});

describe("renew deadline on an injected clock", () => {
  it("aborts `lost` exactly renewDeadline after the last successful renewal was sent, even if a request hangs", async () => {
    const clock = new FakeClock();
    let hang = false;
    const client = {
      get: () => Promise.reject(Object.assign(new Error("not found"), { code: 404 })),
      create: (_kind: unknown, lease: unknown) =>
        Promise.resolve({ ...(lease as object), metadata: { resourceVersion: "1" } }),
      update: (_kind: unknown, lease: unknown) =>
        hang
          ? new Promise(() => {})
          : Promise.resolve({ ...(lease as object), metadata: { resourceVersion: "2" } }),
    } as unknown as Client;
    const election = startLeaderElection({ client, namespace: "n", name: "l", identity: "me", clock });
    await election.acquired;
    await clock.advance(2_000); // one successful renewal, sent at t = 2 s
    expect(election.isLeader()).toBe(true);
    hang = true;
    await clock.advance(9_999); // the renewal at t = 4 s never answers; the deadline is t = 2 s + 10 s
    expect(election.lost.aborted).toBe(false);
    await clock.advance(1);
    expect(election.lost.aborted).toBe(true);
    expect(election.isLeader()).toBe(false);
  });
});

describe("leader election against a real apiserver", () => {
  it("elects exactly one of two candidates and records the lease like client-go", async () => {
    const a = elect("two-candidates", "a");
    const b = elect("two-candidates", "b");
    await Promise.race([a.acquired, b.acquired]);
    // Both keep campaigning for a few renew periods; the leader must not change.
    await new Promise((r) => setTimeout(r, timings.retryPeriodMs * 4));
    expect([a.isLeader(), b.isLeader()].filter(Boolean)).toHaveLength(1);
    const leader = a.isLeader() ? "a" : "b";
    const lease = await client.get(LeaseKind, "two-candidates", namespace);
    expect(lease.spec?.holderIdentity).toBe(leader);
    expect(lease.spec?.leaseDurationSeconds).toBe(3);
    expect(lease.spec?.leaseTransitions).toBe(0);
    expect(lease.spec?.acquireTime).toMatch(microTime);
    expect(lease.spec?.renewTime).toMatch(microTime);
    expect(Date.parse(lease.spec!.renewTime!)).toBeGreaterThan(Date.parse(lease.spec!.acquireTime!));
    await a.release();
    await b.release();
  });

  it("hands over within leaseDuration + retryPeriod after the leader's process is SIGKILLed", async () => {
    const child = spawnChildElector("sigkill", "child");
    try {
      await child.acquired;
      const follower = elect("sigkill", "follower");
      await new Promise((r) => setTimeout(r, timings.retryPeriodMs * 2));
      expect(follower.isLeader()).toBe(false);
      const killedAt = Date.now();
      child.process.kill("SIGKILL");
      await follower.acquired;
      const handoverMs = Date.now() - killedAt;
      console.log(
        `leader: SIGKILL handover took ${handoverMs} ms (bound ${timings.leaseDurationMs + timings.retryPeriodMs} ms)`,
      );
      expect(handoverMs).toBeLessThanOrEqual(timings.leaseDurationMs + timings.retryPeriodMs + slackMs);
      // The follower waited for the lease to expire on its own clock, never cutting it short.
      expect(handoverMs).toBeGreaterThan(timings.leaseDurationMs - timings.retryPeriodMs - slackMs);
      const lease = await client.get(LeaseKind, "sigkill", namespace);
      expect(lease.spec?.holderIdentity).toBe("follower");
      expect(lease.spec?.leaseTransitions).toBe(1);
      await follower.release();
    } finally {
      await stopProcess(child.process, "SIGKILL");
    }
  });

  it("a leader cut off from the apiserver aborts `lost` before its lease could expire for others", async () => {
    const isolated = elect("cut-off", "isolated");
    await isolated.acquired;
    const follower = elect("cut-off", "follower");
    await new Promise((r) => setTimeout(r, timings.retryPeriodMs * 2));
    let lostAt = 0;
    isolated.lost.addEventListener("abort", () => (lostAt = Date.now()));
    const stoppedAt = Date.now();
    try {
      await cp.stopApiserver();
      await waitFor(
        "the isolated leader to give up",
        () => isolated.lost.aborted,
        timings.leaseDurationMs + slackMs,
        25,
      );
    } finally {
      await cp.startApiserver();
    }
    console.log(`leader: cut-off leader gave up ${lostAt - stoppedAt} ms after the apiserver began stopping`);
    // Its last successful renewal was sent before the apiserver stopped, so giving up within
    // leaseDuration of the stop is giving up before the lease could expire for anyone else.
    expect(lostAt - stoppedAt).toBeLessThan(timings.leaseDurationMs);
    expect(isolated.isLeader()).toBe(false);
    expect(String(isolated.lost.reason)).toMatch(/renewDeadline/);
    // Once the apiserver is back, the follower finds the lease unchanged (so expired) and takes it.
    await follower.acquired;
    const lease = await client.get(LeaseKind, "cut-off", namespace);
    expect(lease.spec?.holderIdentity).toBe("follower");
  });

  it("release() lets a successor take over at once", async () => {
    const first = elect("release", "first");
    await first.acquired;
    const second = elect("release", "second");
    // Off the retry grid, so the successor is mid-wait when the release lands.
    await new Promise((r) => setTimeout(r, timings.retryPeriodMs * 2 + 150));
    expect(second.isLeader()).toBe(false);
    const releasedAt = Date.now();
    await first.release();
    expect(first.lost.aborted).toBe(true);
    expect(first.isLeader()).toBe(false);
    await second.acquired;
    const handoverMs = Date.now() - releasedAt;
    console.log(`leader: release handover took ${handoverMs} ms`);
    expect(handoverMs).toBeLessThan(timings.retryPeriodMs + slackMs);
    const lease = await client.get(LeaseKind, "release", namespace);
    expect(lease.spec?.holderIdentity).toBe("second");
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it("release() before acquiring rejects `acquired` and leaves the holder alone", async () => {
    const holder = elect("early-release", "holder");
    await holder.acquired;
    const waiting = elect("early-release", "waiting");
    await waiting.release();
    await expect(waiting.acquired).rejects.toThrow(/released before/);
    await waitFor("holder still leading", () => holder.isLeader(), 2_000, 25);
  });
});
