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
  bareSamePodsMs = NaN;
interface Rollout {
  ms: number;
  /** Successful pod writes. */
  podWrites: number;
  eventWrites: number;
  /** Every write the controller made (pods, status, revisions, events), each one token of the bucket. */
  requests: number;
}
const notRun: Rollout = { ms: NaN, podWrites: 0, eventWrites: 0, requests: 0 };
let scale = notRun,
  inPlace = notRun,
  recreate = notRun,
  inPlaceWaves = notRun,
  recreateWaves = notRun;
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
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
  /** Applies the CloneSet and times it until all N pods are Ready on `image`; counts the writes it took. */
  const rollout = async (
    what: string,
    image: string,
    type: string,
    maxUnavailable?: string,
  ): Promise<Rollout> => {
    say(what);
    await new Promise((r) => setTimeout(r, 2_000));
    const mark = writes.length;
    const started = Date.now();
    await kubectl(
      ["apply", "--server-side", "-f", "-"],
      JSON.stringify(cloneSet(image, type, maxUnavailable)),
    );
    const ms = await podsUntil(csNs, started, allReady(N, image));
    // Lets straggling writes land before they are counted.
    await new Promise((r) => setTimeout(r, 2_000));
    const made = writes.slice(mark);
    return {
      ms,
      podWrites: made.filter((w) => w.kind === "Pod" && w.code < 400).length,
      eventWrites: made.filter((w) => w.kind === "Event").length,
      requests: made.length,
    };
  };
  scale = await rollout(`CloneSet 0 → ${N}`, "nginx:1", "InPlaceIfPossible");
  inPlace = await rollout(`in-place update of ${N}`, "nginx:2", "InPlaceIfPossible");
  recreate = await rollout(`ReCreate update of ${N}`, "nginx:3", "ReCreate");
  // The same pair at OpenKruise's default maxUnavailable (20%): five waves, so each path's round trips count too.
  inPlaceWaves = await rollout(
    `in-place update of ${N}, maxUnavailable 20%`,
    "nginx:4",
    "InPlaceIfPossible",
    "20%",
  );
  recreateWaves = await rollout(`ReCreate update of ${N}, maxUnavailable 20%`, "nginx:5", "ReCreate", "20%");
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
    "--leader-elect=false",
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
    clonesetSeconds: seconds(scale.ms),
    bareClientSeconds: seconds(bareMs),
    bareClientSamePodsSeconds: seconds(bareSamePodsMs),
    ratioToBareClientSamePods: ratio(scale.ms, bareSamePodsMs),
    deploymentSeconds: seconds(deploymentMs),
    deploymentControllerQps: QPS,
    deploymentControllerBurst: BURST,
    tokenBucketFloorSeconds: seconds(floorMs),
    ratioToBareClient: ratio(scale.ms, bareMs),
    ratioToDeployment: ratio(scale.ms, deploymentMs),
    ratioToFloor: floorMs > 0 ? ratio(scale.ms, floorMs) : null,
    podWritesPerCreatedPod: ratio(scale.podWrites, N),
    // The limit the write pattern itself sets: the controller's own writes at this QPS/burst. The ReplicaSet
    // controller's floor is tokenBucketFloorSeconds (one write per pod).
    clonesetWrites: scale.requests,
    clonesetWriteFloorSeconds: seconds(floorFor(scale.requests)),
    ratioToOwnWriteFloor: ratio(scale.ms, floorFor(scale.requests)),
    targets: { ratioToBareClient: 1.1, ratioToDeployment: 1 },
  },
  update: {
    inPlaceSeconds: seconds(inPlace.ms),
    recreateSeconds: seconds(recreate.ms),
    ratioInPlaceToRecreate: ratio(inPlace.ms, recreate.ms),
    podWritesPerInPlaceUpdatedPod: ratio(inPlace.podWrites, N),
    eventWritesDuringInPlace: inPlace.eventWrites,
    podWritesPerRecreatedPod: ratio(recreate.podWrites, N),
    inPlaceWrites: inPlace.requests,
    recreateWrites: recreate.requests,
    inPlaceWriteFloorSeconds: seconds(floorFor(inPlace.requests)),
    recreateWriteFloorSeconds: seconds(floorFor(recreate.requests)),
    // What the ratio would be if both runs went exactly at the bucket's pace: the share set by the writes alone.
    ratioAtWriteFloors: ratio(floorFor(inPlace.requests), floorFor(recreate.requests)),
    targets: { ratioInPlaceToRecreate: 0.5, podWritesPerInPlaceUpdatedPod: 3 },
  },
  updateAtDefaultMaxUnavailable: {
    maxUnavailable: "20%",
    inPlaceSeconds: seconds(inPlaceWaves.ms),
    recreateSeconds: seconds(recreateWaves.ms),
    ratioInPlaceToRecreate: ratio(inPlaceWaves.ms, recreateWaves.ms),
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
