import { ConfigMapKind, LeaseKind } from "../src/kinds/core.ts";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, loadRestConfig } from "../src/client/index.ts";
import { LeadershipLostError } from "../src/client/index.ts";
import type { HttpClient, RestConfig, WriteRecord } from "../src/client/index.ts";
import { Manager } from "../src/manager/index.ts";
import { HASH_ANNOTATION } from "../examples/configmap-hash/main.ts";
import type { ControlPlane } from "@kruise/testenv";
import { startPrivateControlPlane } from "./support/private-control-plane.ts";
import { createNamespace } from "./support/namespace.ts";
import { startTcpProxy } from "./support/tcp-proxy.ts";
import { waitFor } from "@kruise/testenv/vitest";

let cp: ControlPlane;
let client: HttpClient;
let restConfig: RestConfig;
const children: ChildProcess[] = [];

beforeAll(async () => {
  cp = await startPrivateControlPlane();
  restConfig = await loadRestConfig(cp.kubeconfigPath);
  client = createClient(restConfig, { qps: Infinity });
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await client?.close();
  await cp?.stop();
});

const namespace = (): Promise<string> => createNamespace(client, "mgr");

const silent = pino({ level: "silent" });
const node = process.execPath;

/** Runs a TypeScript entry point in a child Node with the source condition; collects its JSON log lines. */
function runChild(args: string[]): {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  exit: Promise<number | null>;
} {
  const child = spawn(node, ["--conditions=@kruise/source", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const lines: Array<Record<string, unknown>> = [];
  let buffered = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as Record<string, unknown>);
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      if (code !== 0 && stderr) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, lines, exit };
}

describe("Manager and controllers", () => {
  it("a reconcile that throws is logged and retried with backoff while other keys are still served", async () => {
    const ns = await namespace();
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: "info" },
      { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const mgr = await Manager.create({
      name: "throwing",
      restConfig,
      logger,
      metricsBindAddress: "127.0.0.1:0",
      healthProbeBindAddress: "0",
    });
    const attempts = new Map<string, number[]>();
    mgr
      .controller("throwing")
      .for(ConfigMapKind)
      .workers(2)
      .withRateLimits({ baseDelayMs: 50 })
      .reconcile(({ namespace: n, name }) => {
        if (n !== ns) return;
        attempts.set(name, [...(attempts.get(name) ?? []), Date.now()]);
        if (name === "bad") throw new TypeError("cannot read properties of undefined (reading 'replicas')");
      });
    const running = mgr.start();
    await client.create(ConfigMapKind, { metadata: { name: "bad", namespace: ns } });
    await waitFor("the bad key to be retried 4 times", () => (attempts.get("bad")?.length ?? 0) >= 4);
    for (let i = 0; i < 5; i++)
      await client.create(ConfigMapKind, { metadata: { name: `good-${i}`, namespace: ns } });
    await waitFor("good keys reconciled while bad keeps failing", () =>
      [0, 1, 2, 3, 4].every((i) => attempts.has(`good-${i}`)),
    );
    const times = attempts.get("bad")!;
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[2]!).toBeGreaterThan(gaps[0]!); // backoff grows
    const failure = logs.find((l) => l.msg === "reconcile failed; retrying with backoff")!;
    expect(failure).toMatchObject({ controller: "throwing", namespace: ns, name: "bad" });
    expect(failure.reconcileID).toEqual(expect.any(String));
    expect((failure.err as { message: string }).message).toContain("replicas");
    const metrics = await (await fetch(`http://127.0.0.1:${mgr.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/controller_runtime_reconcile_errors_total\{controller="throwing"\} [1-9]/);
    expect(metrics).toMatch(/controller_runtime_reconcile_total\{controller="throwing",result="success"\}/);
    expect(metrics).toContain("rest_client_requests_total");
    expect(metrics).toContain('workqueue_depth{name="throwing"}');
    expect(metrics).toContain("process_cpu_seconds_total");
    await mgr.stop();
    await running;
  });

  it("/readyz fails until every informer has synced; /healthz answers meanwhile", async () => {
    await cp.stopApiserver();
    const mgr = await Manager.create({
      name: "ready",
      restConfig,
      logger: silent,
      metricsBindAddress: "0",
      healthProbeBindAddress: "127.0.0.1:0",
      informerMaxBackoffMs: 1000,
    });
    mgr
      .controller("ready")
      .for(ConfigMapKind)
      .reconcile(() => undefined);
    const running = mgr.start();
    try {
      await waitFor("the health server to listen", () => mgr.healthPort !== undefined);
      const url = `http://127.0.0.1:${mgr.healthPort}`;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1000));
      const notReady = await fetch(`${url}/readyz`);
      expect(notReady.status).toBe(500);
      expect(await notReady.text()).toContain("[-]informers-synced");
      await cp.startApiserver();
      await waitFor(
        "/readyz to pass after the cache synced",
        async () => (await fetch(`${url}/readyz`)).status === 200,
        40_000,
      );
    } finally {
      if (cp) await cp.startApiserver().catch(() => undefined);
      await mgr.stop();
      await running;
    }
  });

  it("kill -TERM on a busy manager lets in-flight reconciles finish and exits 0", async () => {
    const ns = await namespace();
    const { child, lines, exit } = runChild([
      new URL("./support/busy-manager.ts", import.meta.url).pathname,
      cp.kubeconfigPath,
      ns,
    ]);
    for (let i = 0; i < 6; i++)
      await client.create(ConfigMapKind, { metadata: { name: `cm-${i}`, namespace: ns } });
    await waitFor(
      "three reconciles in flight",
      () => lines.filter((l) => l.event === "reconcile-start").length >= 3,
    );
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    const started = lines.filter((l) => l.event === "reconcile-start").map((l) => l.name);
    const ended = lines.filter((l) => l.event === "reconcile-end").map((l) => l.name);
    expect(started.length).toBeGreaterThanOrEqual(3);
    expect(ended.sort()).toEqual(started.sort()); // every reconcile that started finished (and wrote)
    const list = await client.list(ConfigMapKind, { namespace: ns });
    const done = list.items
      .filter((c) => c.metadata?.annotations?.done === "yes")
      .map((c) => c.metadata!.name);
    expect(done.sort()).toEqual(started.sort());
    expect(started.length).toBeLessThan(6); // and no new work was taken after the signal
    // runManager re-executed the process in place with its V8 flags: same pid, so the signal reached the manager.
    const setup = lines.find((l) => l.event === "setup")!;
    expect(setup.pid).toBe(child.pid);
    expect(setup.execArgv).toContain("--max-semi-space-size=2");
    expect(setup.execArgv).toContain("--optimize-for-size");
  });
});

describe("Manager with leader election", () => {
  it("is not the leader before it holds the lease, even right after start()", async () => {
    const ns = await namespace();
    const mgr = await Manager.create({
      name: "not-yet",
      restConfig,
      logger: silent,
      metricsBindAddress: "0",
      healthProbeBindAddress: "0",
      leaderElection: {
        namespace: ns,
        identity: "only",
        leaseDurationMs: 2000,
        renewDeadlineMs: 1500,
        retryPeriodMs: 250,
      },
    });
    expect(mgr.isLeader()).toBe(false);
    const running = mgr.start();
    expect(mgr.isLeader()).toBe(false);
    await waitFor("it to lead", () => mgr.isLeader());
    const lease = await client.get(LeaseKind, "not-yet-leader", ns);
    expect(lease?.spec?.holderIdentity).toBe("only");
    await mgr.stop();
    await running;
  });

  it("of two managers only the leader reconciles; when it stops, the other takes over", async () => {
    const ns = await namespace();
    const reconciled = { a: new Set<string>(), b: new Set<string>() };
    const start = async (id: "a" | "b") => {
      const mgr = await Manager.create({
        name: "elected",
        restConfig,
        logger: silent,
        metricsBindAddress: "0",
        healthProbeBindAddress: "0",
        leaderElection: {
          namespace: ns,
          identity: id,
          leaseDurationMs: 2000,
          renewDeadlineMs: 1500,
          retryPeriodMs: 250,
        },
      });
      mgr
        .controller("elected")
        .for(ConfigMapKind)
        .reconcile(({ namespace: n, name }) => {
          if (n === ns) reconciled[id].add(name);
        });
      return { mgr, running: mgr.start() };
    };
    const a = await start("a");
    await waitFor("a to lead", () => a.mgr.isLeader());
    const b = await start("b");
    await client.create(ConfigMapKind, { metadata: { name: "first", namespace: ns } });
    await waitFor("the leader to reconcile", () => reconciled.a.has("first"));
    await new Promise((r) => setTimeout(r, 500));
    expect(reconciled.b.size).toBe(0);
    expect(b.mgr.isLeader()).toBe(false);
    await a.mgr.stop(); // releases the lease
    await a.running;
    await client.create(ConfigMapKind, { metadata: { name: "second", namespace: ns } });
    await waitFor("the follower to take over and reconcile", () => reconciled.b.has("second"), 20_000);
    await b.mgr.stop();
    await b.running;
  });

  it("a leader cut off from the apiserver closes its write gate before its lease could expire; the other takes over", async () => {
    const ns = await namespace();
    const lease = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };
    const apiserver = new URL(cp.server);
    const proxy = await startTcpProxy({ host: apiserver.hostname, port: Number(apiserver.port) });
    const writes = {
      a: [] as Array<WriteRecord & { at: number }>,
      b: [] as Array<WriteRecord & { at: number }>,
    };
    let lostAt = 0; // when a's manager saw the loss and closed its gate (the gate reads the same election state)
    const logger = pino(
      { level: "error" },
      { write: (line: string) => void (line.includes("leadership lost") && (lostAt ||= Date.now())) },
    );
    const start = async (id: "a" | "b", config: RestConfig) => {
      const mgr = await Manager.create({
        name: "cut-off",
        restConfig: config,
        logger: id === "a" ? logger : silent,
        metricsBindAddress: "0",
        healthProbeBindAddress: "0",
        leaderElection: { namespace: ns, identity: id, ...lease },
        onWrite: (w) => void writes[id].push({ ...w, at: Date.now() }),
      });
      // Writes all the time, so a leader that kept its gate open after the cut would be seen trying.
      mgr
        .controller("cut-off")
        .for(ConfigMapKind)
        .withRateLimits({ baseDelayMs: 20, maxDelayMs: 200 })
        .reconcile(async ({ namespace: n, name }, { client: c }) => {
          if (n !== ns) return;
          await c.patch(ConfigMapKind, name, n, "merge", { metadata: { annotations: { writer: id } } });
          return { requeueAfter: 100 };
        });
      const running = mgr.start();
      running.catch(() => undefined);
      return { mgr, running };
    };
    try {
      const a = await start("a", { ...restConfig, server: `https://127.0.0.1:${proxy.port}` }); // only a goes through the proxy
      await waitFor("a to lead", () => a.mgr.isLeader());
      const b = await start("b", restConfig);
      await client.create(ConfigMapKind, { metadata: { name: "target", namespace: ns } });
      await waitFor("the leader to write", () =>
        writes.a.some((w) => w.controller === "cut-off" && w.code === 200),
      );
      await new Promise((r) => setTimeout(r, lease.retryPeriodMs * 2));
      expect(writes.b.filter((w) => w.controller !== undefined)).toHaveLength(0);

      const cutAt = Date.now();
      proxy.cut();
      await waitFor(
        "a to close its write gate",
        () => lostAt > 0 && !a.mgr.isLeader(),
        lease.leaseDurationMs + 2000,
      );
      const gateClosedAt = lostAt;
      const outcome = await a.running.then(
        () => "resolved",
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      const stoppedAt = Date.now();
      expect(outcome).toBe("leader election lost");
      expect(gateClosedAt - cutAt).toBeLessThan(lease.leaseDurationMs); // it gave up before its lease could expire for b

      await waitFor(
        "b to take over and write",
        () => writes.b.some((w) => w.controller === "cut-off" && w.code === 200),
        20_000,
      );
      const bFirstWrite = writes.b.find((w) => w.controller !== undefined && w.code === 200)!.at;
      const aLastWrite = Math.max(
        ...writes.a.filter((w) => w.controller !== undefined && w.code === 200).map((w) => w.at),
      );
      console.log(
        `cut-off: a closed its gate ${gateClosedAt - cutAt} ms and stopped ${stoppedAt - cutAt} ms after the cut, b wrote first ${bFirstWrite - cutAt} ms after it; a's last write landed ${aLastWrite - cutAt} ms after it`,
      );
      expect(bFirstWrite).toBeGreaterThan(aLastWrite); // never two writers
      // a is reachable again: its gate, not the network, keeps it from writing.
      proxy.restore();
      await expect(
        a.mgr.client.patch(ConfigMapKind, "target", ns, "merge", {
          metadata: { annotations: { writer: "a-late" } },
        }),
      ).rejects.toBeInstanceOf(LeadershipLostError);
      await new Promise((r) => setTimeout(r, 1000));
      // No gated write of a's (its controller's; the lease's own are ungated) reached, or even tried to reach, the
      // server after its lease could have expired.
      const aControllerWrites = writes.a.filter((w) => w.controller !== undefined);
      expect(aControllerWrites.filter((w) => w.at > cutAt + lease.leaseDurationMs)).toEqual([]);
      // A write that passed the gate just before it closed may still be answered (with a network error) after.
      expect(aControllerWrites.filter((w) => w.at > gateClosedAt && w.code !== 0)).toEqual([]);
      expect((await client.get(ConfigMapKind, "target", ns)).metadata?.annotations?.writer).toBe("b");
      expect(b.mgr.isLeader()).toBe(true);
      await b.mgr.stop();
      await b.running;
    } finally {
      await proxy.close();
    }
  });
});

describe("examples/configmap-hash (the README controller)", () => {
  it("stamps ConfigMaps with their data hash, re-stamps on change, writes nothing when converged, exits 0 on SIGTERM", async () => {
    const ns = await namespace();
    const main = new URL("../examples/configmap-hash/main.ts", import.meta.url).pathname;
    const { child, exit } = runChild([
      main,
      `--kubeconfig=${cp.kubeconfigPath}`,
      "--metrics-bind-address=0",
      "--health-probe-bind-address=127.0.0.1:0",
      "--leader-elect=false",
      "--log-level=warn",
    ]);
    await client.create(ConfigMapKind, { metadata: { name: "app", namespace: ns }, data: { a: "1" } });
    const hashOf = async () =>
      (await client.get(ConfigMapKind, "app", ns)).metadata?.annotations?.[HASH_ANNOTATION];
    await waitFor("the hash annotation", async () => (await hashOf()) !== undefined);
    const first = await hashOf();
    await client.patch(ConfigMapKind, "app", ns, "merge", { data: { a: "2" } });
    await waitFor("a new hash after a data change", async () => (await hashOf()) !== first);
    const rv = (await client.get(ConfigMapKind, "app", ns)).metadata?.resourceVersion;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await client.get(ConfigMapKind, "app", ns)).metadata?.resourceVersion).toBe(rv); // idle: no writes
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
