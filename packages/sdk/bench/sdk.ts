// @kruise/sdk benchmarks: store memory per cached pod (10,000 realistic pods through a real informer), queue
// throughput, and event-to-reconcile-start latency at 20 and 200 events/s. Writes bench/results/sdk.json.
import { ConfigMapKind, NamespaceKind, PodKind } from "../src/kinds/core.ts";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { Registry } from "prom-client";
import { createClient, loadRestConfig } from "../src/client/index.ts";
import type { HttpClient } from "../src/client/index.ts";
import { Manager } from "../src/manager/index.ts";
import { WorkQueue } from "../src/queue/index.ts";
import { startControlPlane } from "@kruise/testenv";
import { realisticPod, runningStatus } from "./support/realistic-pod.ts";

const PODS = Number(process.env.SDK_BENCH_PODS ?? 10_000);
const root = join(import.meta.dirname, "..", "..", "..");
const out = join(root, "bench", "results", "sdk.json");

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function seedPods(client: HttpClient, namespace: string): Promise<number> {
  const started = performance.now();
  await client.create(NamespaceKind, { metadata: { name: namespace } });
  await pool([...Array(PODS).keys()], 24, async (i) => {
    const pod = await client.create(PodKind, realisticPod(namespace, i));
    await client.patchStatus(PodKind, pod.metadata!.name!, namespace, "merge", { status: runningStatus(i) });
  });
  return (performance.now() - started) / 1000;
}

/** Builds the SDK to dist/ (what a published controller runs) for the memory child. */
function buildSdk(): string {
  const pkg = join(import.meta.dirname, "..");
  const res = spawnSync(
    process.execPath,
    [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(pkg, "tsconfig.build.json")],
    {
      encoding: "utf8",
    },
  );
  if (res.status !== 0) throw new Error(`building the SDK failed: ${res.stdout}${res.stderr}`);
  return join(pkg, "dist", "index.js");
}

interface StoreMemoryVariant {
  /** Deep-freeze cached objects (the default). */
  freeze?: boolean;
  pageSize?: number;
  /** "stream": item by item (HttpClient.listEach, the default); "whole": each page parsed whole (the previous way). */
  list?: "stream" | "whole";
  /** "shipped": with the V8 flags runManager re-executes with; "node-defaults": V8 as Node starts it. */
  runtime?: "shipped" | "node-defaults";
}

function storeMemory(entry: string, kubeconfig: string, namespace: string, variant: StoreMemoryVariant = {}) {
  const { freeze = true, pageSize = 500, list = "stream", runtime = "shipped" } = variant;
  const res = spawnSync(
    process.execPath,
    [
      "--expose-gc",
      join(import.meta.dirname, "support", "store-memory.js"),
      entry,
      kubeconfig,
      namespace,
      freeze ? "freeze" : "nofreeze",
      String(pageSize),
      list,
      runtime,
    ],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (res.status !== 0) throw new Error(`store-memory child failed: ${res.stderr}`);
  const r = JSON.parse(res.stdout.trim().split("\n").pop()!) as {
    pods: number;
    heapBefore: number;
    heapAfter: number;
    rssBefore: number;
    rss: number;
    maxRss: number;
    heapTotal: number;
    syncMs: number;
    execArgv: string[];
  };
  const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    pods: r.pods,
    list,
    runtime,
    v8Flags: r.execArgv.filter((a) => a !== "--expose-gc").join(" "),
    pageSize,
    freeze,
    bytesPerPod: Math.round((r.heapAfter - r.heapBefore) / r.pods),
    rssMiB: mib(r.rss),
    peakRssMiB: mib(r.maxRss),
    rssBeforeListMiB: mib(r.rssBefore),
    heapTotalMiB: mib(r.heapTotal),
    syncSeconds: Math.round(r.syncMs) / 1000,
  };
}

async function queueThroughput(): Promise<{ keysPerSecond: number; keys: number; workers: number }> {
  const q = new WorkQueue({ name: "bench", registry: new Registry() });
  const keys = 200_000;
  const workers = 8;
  let processed = 0;
  const started = performance.now();
  const work = async (): Promise<void> => {
    for (let key = await q.get(); key !== undefined; key = await q.get()) {
      q.forget(key);
      q.done(key);
      if (++processed === keys) q.shutDown();
    }
  };
  const running = Array.from({ length: workers }, () => work());
  for (let i = 0; i < keys; i++) {
    q.add(`ns-${i % 100}/obj-${i}`);
    if (i % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(running);
  return { keysPerSecond: Math.round(keys / ((performance.now() - started) / 1000)), keys, workers };
}

async function reconcileLatency(kubeconfig: string, client: HttpClient, rate: number, seconds: number) {
  const ns = `latency-${rate}`;
  await client.create(NamespaceKind, { metadata: { name: ns } });
  const objects = 50;
  for (let i = 0; i < objects; i++)
    await client.create(ConfigMapKind, { metadata: { name: `cm-${i}`, namespace: ns } });
  const samples: number[] = [];
  const sdkSamples: number[] = [];
  const mgr = await Manager.create({
    name: "latency",
    kubeconfig,
    logger: pino({ level: "warn" }),
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
  });
  // Registered before the controller's handler, so it stamps each event as the informer receives it.
  const receivedAt = new Map<string, number>();
  mgr.cache.informerFor(ConfigMapKind).addEventHandler({
    onUpdate: (_old, obj) => void receivedAt.set(obj.metadata?.resourceVersion ?? "", performance.now()),
  });
  mgr
    .controller("latency")
    .for(ConfigMapKind)
    .workers(4)
    .reconcile(({ namespace, name }, { cache }) => {
      const now = performance.now();
      const obj = cache.get(ConfigMapKind, namespace, name);
      const sent = Number(obj?.metadata?.annotations?.sent);
      if (namespace !== ns || !sent) return;
      samples.push(performance.timeOrigin + now - sent);
      const received = receivedAt.get(obj?.metadata?.resourceVersion ?? "");
      if (received !== undefined) sdkSamples.push(now - received);
    });
  const running = mgr.start();
  await mgr.cache.waitForSync();
  await new Promise((r) => setTimeout(r, 500));
  samples.length = 0;
  sdkSamples.length = 0;
  const total = rate * seconds;
  const startedAt = performance.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = startedAt + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = String(performance.timeOrigin + performance.now());
    writes.push(
      client.patch(ConfigMapKind, `cm-${i % objects}`, ns, "merge", {
        metadata: { annotations: { sent } },
      } satisfies Partial<ConfigMap>),
    );
  }
  await Promise.all(writes);
  await new Promise((r) => setTimeout(r, 1000));
  await mgr.stop();
  await running;
  const pct = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! * 10) / 10;
  };
  return {
    eventsPerSecond: rate,
    events: total,
    reconciles: samples.length,
    // From the moment the bench sent the write: includes the API server's write and watch fan-out.
    p50Ms: pct(samples, 50),
    p99Ms: pct(samples, 99),
    // From the moment the informer received the watch event: the SDK's own share (handlers, queue, worker).
    informerToReconcileP50Ms: pct(sdkSamples, 50),
    informerToReconcileP99Ms: pct(sdkSamples, 99),
  };
}

// Only etcd and kube-apiserver: no nodes (the pods stay unscheduled with the status the bench writes), no CRDs.
const cp = await startControlPlane({
  nodes: 0,
  controllerManager: false,
  scheduler: false,
  crdsDir: false,
  nats: false,
  benchmarkMode: true,
  log: (line) => process.stdout.write(`${line}\n`),
});
try {
  const client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: Infinity });
  process.stdout.write(`seeding ${PODS} realistic pods…\n`);
  const seedSeconds = await seedPods(client, "pods");
  process.stdout.write(`seeded in ${seedSeconds.toFixed(1)} s\n`);
  const entry = buildSdk();
  // As shipped (item-by-item list, runManager's V8 flags), then what each of the two changes is worth on its own.
  const frozen = storeMemory(entry, cp.kubeconfigPath, "pods");
  const unfrozen = storeMemory(entry, cp.kubeconfigPath, "pods", { freeze: false });
  const nodeDefaults = storeMemory(entry, cp.kubeconfigPath, "pods", { runtime: "node-defaults" });
  const wholePages = storeMemory(entry, cp.kubeconfigPath, "pods", { list: "whole" });
  const before = storeMemory(entry, cp.kubeconfigPath, "pods", { list: "whole", runtime: "node-defaults" });
  const queue = await queueThroughput();
  const latency20 = await reconcileLatency(cp.kubeconfigPath, client, 20, 10);
  const latency200 = await reconcileLatency(cp.kubeconfigPath, client, 200, 10);
  await client.close();
  const results = {
    benchmark: "sdk",
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: loadavg(),
    cores: availableParallelism(),
    storeMemory: {
      ...frozen,
      targetBytesPerPod: 6144,
      targetRssMiB: 160,
      withoutFreeze: unfrozen,
      withNodeV8Defaults: nodeDefaults,
      withWholePages: wholePages,
      previousMechanism: before,
    },
    queueThroughput: queue,
    reconcileLatency: [latency20, latency200],
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    [
      `store: ${frozen.bytesPerPod} B/pod marginal heap (${(frozen.bytesPerPod / 1024).toFixed(2)} KiB, target ≤ 6 KiB), RSS ${frozen.rssMiB} MiB (target ≤ 160; peak ${frozen.peakRssMiB}, ${frozen.rssBeforeListMiB} MiB before the list), ${frozen.pods} pods synced in ${frozen.syncSeconds} s [item-by-item list, ${frozen.v8Flags}]`,
      `store without deep freeze: ${unfrozen.bytesPerPod} B/pod, RSS ${unfrozen.rssMiB} MiB`,
      `store with V8's default young generation (no re-exec): RSS ${nodeDefaults.rssMiB} MiB (peak ${nodeDefaults.peakRssMiB}, heap total ${nodeDefaults.heapTotalMiB} MiB)`,
      `store with whole-page parsing and runManager's V8 flags: RSS ${wholePages.rssMiB} MiB (peak ${wholePages.peakRssMiB}, heap total ${wholePages.heapTotalMiB} MiB)`,
      `store before (whole-page parsing, V8 defaults): RSS ${before.rssMiB} MiB (peak ${before.peakRssMiB}, heap total ${before.heapTotalMiB} MiB), synced in ${before.syncSeconds} s`,
      `queue: ${queue.keysPerSecond} keys/s (${queue.keys} keys, ${queue.workers} workers)`,
      ...[latency20, latency200].map(
        (l) =>
          `event→reconcile start @${l.eventsPerSecond}/s: write-sent p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms; informer-received p50 ${l.informerToReconcileP50Ms} ms, p99 ${l.informerToReconcileP99Ms} ms (target p99 ≤ 100 ms at 20/s)`,
      ),
      `load average during the run: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} on ${availableParallelism()} cores`,
      `wrote ${out}`,
    ].join("\n") + "\n",
  );
} finally {
  await cp.stop();
}
