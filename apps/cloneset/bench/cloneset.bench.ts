// `npm run bench` part for CloneSet (or: node --conditions=@kruise/source apps/cloneset/bench/cloneset.bench.ts).
// Everything runs on one private control plane, in one run, at one client QPS/burst; each figure is reported as a
// ratio against its baseline. Writes bench/results/cloneset.json. Sizes: CLONESET_BENCH_PODS (1000),
// CLONESET_BENCH_RSS_PODS (10000), CLONESET_BENCH_QPS (100), CLONESET_BENCH_BURST (200).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  createClient,
  type HttpClient,
  Informer,
  loadRestConfig,
  Manager,
  PodKind,
  type WriteRecord,
} from "@kruise/sdk";
import { startControlPlane } from "@kruise/testenv";
import { CloneSetKind, type CloneSet } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { addCloneSetController } from "../src/controller.ts";
import { KNOWN_FEATURE_GATES } from "../src/feature-gates.ts";

const N = Number(process.env.CLONESET_BENCH_PODS ?? 1000);
const RSS_PODS = Number(process.env.CLONESET_BENCH_RSS_PODS ?? 10_000);
const QPS = Number(process.env.CLONESET_BENCH_QPS ?? 100);
const BURST = Number(process.env.CLONESET_BENCH_BURST ?? 200);
const ROOT = resolve(import.meta.dirname, "../../..");
const say = (s: string): void => void process.stdout.write(`[cloneset bench] ${s}\n`);
const seconds = (ms: number): number => Math.round(ms / 10) / 100;

const cp = await startControlPlane({
  nodes: 4,
  nats: false,
  // At the bench's client QPS/burst: at its defaults (20/30) the Deployment baseline would be five times slower
  // than the limiter allows.
  controllerManager: { qps: QPS, burst: BURST },
  benchmarkMode: true,
  kubelet: {
    capacity: { cpu: "64", memory: "256Gi", "ephemeral-storage": "500Gi", pods: String(Math.ceil(N / 2)) },
  },
  log: (l) => say(l),
});
const admin = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 2000 });
const kubectl = async (args: string[], input?: string): Promise<string> => {
  const r = await cp.kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

/** Resolves with the ms from `start` until `done(pods)` holds for the namespace's pods (watched, not polled). */
async function podsUntil(
  namespace: string,
  start: number,
  done: (pods: readonly Pod[]) => boolean,
  timeoutMs = 900_000,
): Promise<number> {
  const abort = new AbortController();
  const informer = new Informer<Pod>(admin, PodKind, { namespace, freeze: false });
  const run = informer.run(abort.signal);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (informer.hasSynced() && done(informer.store.list() as Pod[])) return Date.now() - start;
      if (Date.now() > deadline) throw new Error(`timed out in ${namespace}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    abort.abort();
    await run.catch(() => undefined);
  }
}
const ready = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const allReady =
  (n: number, image?: string) =>
  (pods: readonly Pod[]): boolean =>
    pods.length === n &&
    pods.every(
      (p) =>
        ready(p) &&
        p.metadata?.deletionTimestamp === undefined &&
        (image === undefined || p.status?.containerStatuses?.[0]?.image === image),
    );

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => done(typeof addr === "object" && addr !== null ? addr.port : 0));
    });
  });
}

/** Where the controller's RSS goes: V8 heap and off-heap figures from its /metrics, mappings from smaps_rollup. */
async function memoryBreakdown(pid: number, port: number): Promise<Record<string, number>> {
  const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
  const out: Record<string, number> = {};
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const metric = (name: string): number =>
      Number(new RegExp(`^${name} (\\S+)`, "m").exec(text)?.[1] ?? NaN);
    out["heapUsed"] = mib(metric("nodejs_heap_size_used_bytes"));
    out["heapTotal"] = mib(metric("nodejs_heap_size_total_bytes"));
    out["external"] = mib(metric("nodejs_external_memory_bytes"));
  } catch {
    // metrics are diagnostic only
  }
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    for (const key of ["Rss", "Anonymous", "Shared_Clean", "Private_Clean", "Private_Dirty"]) {
      const kb = Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? NaN);
      out[`smaps${key}`] = mib(kb * 1024);
    }
  } catch {
    // smaps_rollup may be unreadable
  }
  return out;
}

async function namespace(name: string): Promise<string> {
  await kubectl(["create", "namespace", name]);
  return name;
}

const template = (
  app: string,
  image = "nginx:1",
): {
  metadata: { labels: Record<string, string> };
  spec: { containers: Array<{ name: string; image: string }> };
} => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "main", image }] },
});

// CLONESET_BENCH_ONLY=rss runs only the memory phase (quick iteration on memory).
const only = process.env.CLONESET_BENCH_ONLY;
let t = 0;
let deploymentMs = NaN,
  bareMs = NaN,
  bareSamePodsMs = NaN,
  scaleMs = NaN,
  inPlaceMs = NaN,
  recreateMs = NaN,
  inPlaceWavesMs = NaN,
  recreateWavesMs = NaN;
let scaleWrites = 0,
  inPlaceWrites = 0,
  inPlaceEventWrites = 0,
  recreateWrites = 0;
// Every write the controller made in a phase (pods, status, revisions, events), each one token of the bucket.
let scaleRequests = 0,
  inPlaceRequests = 0,
  recreateRequests = 0;
/** The token bucket's floor for `requests` writes: the first `burst` are free, the rest come at QPS. */
const floorFor = (requests: number): number => (Math.max(requests - BURST, 0) / QPS) * 1000;
const floorMs = floorFor(N);
if (only !== "rss") {
  // 1. Baseline: a Deployment, run by kube-controller-manager's ReplicaSet controller.
  say(`Deployment 0 → ${N}`);
  const depNs = await namespace("bench-deployment");
  t = Date.now();
  await kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", namespace: depNs },
      spec: { replicas: N, selector: { matchLabels: { app: "d" } }, template: template("d") },
    }),
  );
  deploymentMs = await podsUntil(depNs, t, allReady(N));
  await kubectl(["delete", "namespace", depNs, "--wait=false"]);

  // 2. Baseline: a bare client creating the same pods as fast as the same token bucket allows.
  say(`bare client 0 → ${N}`);
  const bareNs = await namespace("bench-bare");
  const bare: HttpClient = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: QPS, burst: BURST });
  t = Date.now();
  const bareDone = podsUntil(bareNs, t, allReady(N));
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      bare.create(PodKind, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `bare-${i}`, namespace: bareNs, labels: { app: "bare" } },
        spec: template("bare").spec,
      }),
    ),
  );
  bareMs = await bareDone;
  await kubectl(["delete", "namespace", bareNs, "--wait=false"]);

  // 2b. The same baseline with the pods a CloneSet makes: they carry the InPlaceUpdateReady readiness gate, so
  // getting them Ready takes the create plus one status patch per pod, for the bare client as for the controller.
  say(`bare client 0 → ${N}, CloneSet-shaped pods (readiness gate)`);
  const gateNs = await namespace("bench-bare-gate");
  t = Date.now();
  const gateDone = podsUntil(gateNs, t, allReady(N));
  await Promise.all(
    Array.from({ length: N }, async (_, i) => {
      const name = `gate-${i}`;
      await bare.create(PodKind, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: gateNs, labels: { app: "gate" } },
        spec: { ...template("gate").spec, readinessGates: [{ conditionType: "InPlaceUpdateReady" }] },
      });
      await bare.patchStatus(PodKind, name, gateNs, "strategic", {
        status: { conditions: [{ type: "InPlaceUpdateReady", status: "True" }] },
      });
    }),
  );
  bareSamePodsMs = await gateDone;
  await bare.close();
  await kubectl(["delete", "namespace", gateNs, "--wait=false"]);

  // 3. The CloneSet controller, in this process so its writes can be counted.
  const writes: WriteRecord[] = [];
  const mgr = await Manager.create({
    name: "cloneset-controller",
    kubeconfig: cp.kubeconfigPath,
    qps: QPS,
    burst: BURST,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: "warn" }),
    onWrite: (w) => writes.push(w),
  });
  const csNs = await namespace("bench-cloneset");
  addCloneSetController(mgr, { workers: 3, gates: KNOWN_FEATURE_GATES, namespace: csNs });
  const stop = new AbortController();
  const running = mgr.start(stop.signal);
  const cloneSet = (image: string, type: string, maxUnavailable = "100%"): CloneSet => ({
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name: "c", namespace: csNs },
    spec: {
      replicas: N,
      selector: { matchLabels: { app: "c" } },
      template: template("c", image),
      updateStrategy: { type: type as "ReCreate", maxUnavailable },
    },
  });
  say(`CloneSet 0 → ${N}`);
  t = Date.now();
  await kubectl(
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify(cloneSet("nginx:1", "InPlaceIfPossible")),
  );
  scaleMs = await podsUntil(csNs, t, allReady(N));
  scaleWrites = writes.filter((w) => w.kind === "Pod").length;
  scaleRequests = writes.length;

  say(`in-place update of ${N}`);
  await new Promise((r) => setTimeout(r, 2_000));
  let mark = writes.length;
  t = Date.now();
  await kubectl(
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify(cloneSet("nginx:2", "InPlaceIfPossible")),
  );
  inPlaceMs = await podsUntil(csNs, t, allReady(N, "nginx:2"));
  await new Promise((r) => setTimeout(r, 2_000));
  inPlaceWrites = writes.slice(mark).filter((w) => w.kind === "Pod" && w.code < 400).length;
  inPlaceEventWrites = writes.slice(mark).filter((w) => w.kind === "Event").length;
  inPlaceRequests = writes.length - mark;

  say(`ReCreate update of ${N}`);
  mark = writes.length;
  t = Date.now();
  await kubectl(["apply", "--server-side", "-f", "-"], JSON.stringify(cloneSet("nginx:3", "ReCreate")));
  recreateMs = await podsUntil(csNs, t, allReady(N, "nginx:3"));
  recreateWrites = writes.slice(mark).filter((w) => w.kind === "Pod" && w.code < 400).length;
  recreateRequests = writes.length - mark;

  // The same pair at OpenKruise's default maxUnavailable (20%): five waves, so each path's round trips count too.
  say(`in-place update of ${N}, maxUnavailable 20%`);
  await new Promise((r) => setTimeout(r, 2_000));
  t = Date.now();
  await kubectl(
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify(cloneSet("nginx:4", "InPlaceIfPossible", "20%")),
  );
  inPlaceWavesMs = await podsUntil(csNs, t, allReady(N, "nginx:4"));
  say(`ReCreate update of ${N}, maxUnavailable 20%`);
  await new Promise((r) => setTimeout(r, 2_000));
  t = Date.now();
  await kubectl(
    ["apply", "--server-side", "-f", "-"],
    JSON.stringify(cloneSet("nginx:5", "ReCreate", "20%")),
  );
  recreateWavesMs = await podsUntil(csNs, t, allReady(N, "nginx:5"));
  stop.abort();
  await running.catch(() => undefined);
  await kubectl(["delete", "namespace", csNs, "--wait=false"]);
}

// 4. RSS of the controller (a child process) with RSS_PODS pods under management. The pods may stay Pending:
// managing them is what costs memory, running them is the kubelet's business.
say(`controller RSS with ${RSS_PODS} pods`);
const rssNs = await namespace("bench-rss");
const metricsPort = await freePort();
// Exactly as `npm start` and the chart run it: no node flags and no allocator settings of the bench's own (the
// controller's runManager adds its V8 flags itself).
const { MALLOC_ARENA_MAX: _arenas, NODE_OPTIONS: _nodeOptions, ...childEnv } = process.env;
const child = spawn(
  process.execPath,
  [
    "--conditions=@kruise/source",
    resolve(import.meta.dirname, "../src/main.ts"),
    `--kubeconfig=${cp.kubeconfigPath}`,
    `--namespace=${rssNs}`,
    `--kube-api-qps=${QPS * 4}`,
    `--kube-api-burst=${BURST * 4}`,
    `--metrics-bind-address=127.0.0.1:${metricsPort}`,
    "--health-probe-bind-address=0",
    "--log-level=warn",
  ],
  { stdio: "ignore", env: childEnv },
);
const big: CloneSet = {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "CloneSet",
  metadata: { name: "big", namespace: rssNs },
  spec: {
    replicas: RSS_PODS,
    selector: { matchLabels: { app: "big" } },
    template: {
      metadata: { labels: { app: "big" } },
      spec: {
        nodeSelector: { "bench/none": "true" },
        containers: [{ name: "main", image: "nginx:1", env: [{ name: "A", value: "x".repeat(64) }] }],
      },
    },
  },
};
await kubectl(["apply", "--server-side", "-f", "-"], JSON.stringify(big));
t = Date.now();
for (;;) {
  const cs = await admin.get(CloneSetKind, "big", rssNs);
  if ((cs.status?.replicas ?? 0) >= RSS_PODS) break;
  if (Date.now() - t > 1_200_000) throw new Error("RSS phase: pods not all created in 20 minutes");
  await new Promise((r) => setTimeout(r, 2_000));
}
await new Promise((r) => setTimeout(r, 10_000));
const rssSamples: number[] = [];
for (let i = 0; i < 5; i++) {
  rssSamples.push(
    Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, "utf8"))?.[1]),
  );
  await new Promise((r) => setTimeout(r, 2_000));
}
say(`RSS samples (kB): ${rssSamples.join(", ")}`);
const vmRss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid ?? 0}/status`, "utf8"))?.[1];
const rssMiB = Math.round(Number(vmRss) / 1024);
const breakdown = await memoryBreakdown(child.pid ?? 0, metricsPort);
say(`memory breakdown (MiB): ${JSON.stringify(breakdown)}`);
child.kill("SIGTERM");
await admin.close();
await cp.stop();

const results = {
  pods: N,
  qps: QPS,
  burst: BURST,
  scaleUp: {
    clonesetSeconds: seconds(scaleMs),
    bareClientSeconds: seconds(bareMs),
    bareClientSamePodsSeconds: seconds(bareSamePodsMs),
    ratioToBareClientSamePods: Math.round((scaleMs / bareSamePodsMs) * 100) / 100,
    deploymentSeconds: seconds(deploymentMs),
    deploymentControllerQps: QPS,
    deploymentControllerBurst: BURST,
    tokenBucketFloorSeconds: seconds(floorMs),
    ratioToBareClient: Math.round((scaleMs / bareMs) * 100) / 100,
    ratioToDeployment: Math.round((scaleMs / deploymentMs) * 100) / 100,
    ratioToFloor: floorMs > 0 ? Math.round((scaleMs / floorMs) * 100) / 100 : null,
    podWritesPerCreatedPod: Math.round((scaleWrites / N) * 100) / 100,
    // The limit the write pattern itself sets: the controller's own writes at this QPS/burst. The ReplicaSet
    // controller's floor is tokenBucketFloorSeconds (one write per pod).
    clonesetWrites: scaleRequests,
    clonesetWriteFloorSeconds: seconds(floorFor(scaleRequests)),
    ratioToOwnWriteFloor: Math.round((scaleMs / floorFor(scaleRequests)) * 100) / 100,
    targets: { ratioToBareClient: 1.1, ratioToDeployment: 1 },
  },
  update: {
    inPlaceSeconds: seconds(inPlaceMs),
    recreateSeconds: seconds(recreateMs),
    ratioInPlaceToRecreate: Math.round((inPlaceMs / recreateMs) * 100) / 100,
    podWritesPerInPlaceUpdatedPod: Math.round((inPlaceWrites / N) * 100) / 100,
    eventWritesDuringInPlace: inPlaceEventWrites,
    podWritesPerRecreatedPod: Math.round((recreateWrites / N) * 100) / 100,
    inPlaceWrites: inPlaceRequests,
    recreateWrites: recreateRequests,
    inPlaceWriteFloorSeconds: seconds(floorFor(inPlaceRequests)),
    recreateWriteFloorSeconds: seconds(floorFor(recreateRequests)),
    // What the ratio would be if both runs went exactly at the bucket's pace: the share set by the writes alone.
    ratioAtWriteFloors: Math.round((floorFor(inPlaceRequests) / floorFor(recreateRequests)) * 100) / 100,
    targets: { ratioInPlaceToRecreate: 0.5, podWritesPerInPlaceUpdatedPod: 3 },
  },
  updateAtDefaultMaxUnavailable: {
    maxUnavailable: "20%",
    inPlaceSeconds: seconds(inPlaceWavesMs),
    recreateSeconds: seconds(recreateWavesMs),
    ratioInPlaceToRecreate: Math.round((inPlaceWavesMs / recreateWavesMs) * 100) / 100,
  },
  memory: {
    pods: RSS_PODS,
    controllerRssMiB: rssMiB,
    breakdownMiB: breakdown,
    targetMiB: 160,
  },
};
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
writeFileSync(resolve(ROOT, "bench/results/cloneset.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exit(0);
