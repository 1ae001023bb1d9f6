// @kruise/sdk benchmarks: store memory per cached pod (10,000 realistic pods through a real informer), queue
// throughput, and event-to-reconcile-start latency at 20 and 200 events/s. Writes bench/results/sdk.json.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { Registry } from "prom-client";
import { createClient, loadRestConfig } from "../src/client/index.ts";
import type { HttpClient } from "../src/client/index.ts";
import { Manager } from "../src/manager/index.ts";
import { WorkQueue } from "../src/queue/index.ts";
import { startTestControlPlane } from "../test/support/control-plane.ts";
import { ConfigMapKind, NamespaceKind, PodKind } from "../test/support/kinds.ts";
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

function storeMemory(kubeconfig: string, namespace: string, mode: "freeze" | "nofreeze") {
  const res = spawnSync(
    process.execPath,
    ["--expose-gc", "--conditions=@kruise/source", join(import.meta.dirname, "support", "store-memory.ts"), kubeconfig, namespace, mode],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (res.status !== 0) throw new Error(`store-memory child failed: ${res.stderr}`);
  const r = JSON.parse(res.stdout.trim().split("\n").pop()!) as { pods: number; heapBefore: number; heapAfter: number; rss: number; syncMs: number };
  return {
    pods: r.pods,
    bytesPerPod: Math.round((r.heapAfter - r.heapBefore) / r.pods),
    rssMiB: Math.round((r.rss / 2 ** 20) * 10) / 10,
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
  for (let i = 0; i < objects; i++) await client.create(ConfigMapKind, { metadata: { name: `cm-${i}`, namespace: ns } });
  const samples: number[] = [];
  const mgr = await Manager.create({
    name: "latency",
    kubeconfig,
    logger: pino({ level: "warn" }),
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
  });
  mgr
    .controller("latency")
    .for(ConfigMapKind)
    .workers(4)
    .reconcile(({ namespace, name }, { cache }) => {
      const sent = Number(cache.get(ConfigMapKind, namespace, name)?.metadata?.annotations?.sent);
      if (namespace === ns && sent) samples.push(performance.timeOrigin + performance.now() - sent);
    });
  const running = mgr.start();
  await mgr.cache.waitForSync();
  await new Promise((r) => setTimeout(r, 500));
  samples.length = 0;
  const total = rate * seconds;
  const startedAt = performance.now();
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = startedAt + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = String(performance.timeOrigin + performance.now());
    writes.push(client.patch(ConfigMapKind, `cm-${i % objects}`, ns, "merge", { metadata: { annotations: { sent } } } satisfies Partial<ConfigMap>));
  }
  await Promise.all(writes);
  await new Promise((r) => setTimeout(r, 1000));
  await mgr.stop();
  await running;
  samples.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(samples[Math.min(samples.length - 1, Math.floor((samples.length * p) / 100))]! * 10) / 10;
  return { eventsPerSecond: rate, events: total, reconciles: samples.length, p50Ms: pct(50), p99Ms: pct(99) };
}

const cp = await startTestControlPlane();
try {
  const client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: Infinity });
  process.stdout.write(`seeding ${PODS} realistic pods…\n`);
  const seedSeconds = await seedPods(client, "pods");
  process.stdout.write(`seeded in ${seedSeconds.toFixed(1)} s\n`);
  const frozen = storeMemory(cp.kubeconfigPath, "pods", "freeze");
  const unfrozen = storeMemory(cp.kubeconfigPath, "pods", "nofreeze");
  const queue = await queueThroughput();
  const latency20 = await reconcileLatency(cp.kubeconfigPath, client, 20, 10);
  const latency200 = await reconcileLatency(cp.kubeconfigPath, client, 200, 10);
  await client.close();
  const results = {
    benchmark: "sdk",
    node: process.version,
    date: new Date().toISOString(),
    storeMemory: { ...frozen, targetBytesPerPod: 6144, targetRssMiB: 160, withoutFreeze: unfrozen },
    queueThroughput: queue,
    reconcileLatency: [latency20, latency200],
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    [
      `store: ${frozen.bytesPerPod} B/pod marginal heap (${(frozen.bytesPerPod / 1024).toFixed(2)} KiB, target ≤ 6 KiB), RSS ${frozen.rssMiB} MiB (target ≤ 160), ${frozen.pods} pods synced in ${frozen.syncSeconds} s`,
      `store without deep freeze: ${unfrozen.bytesPerPod} B/pod, RSS ${unfrozen.rssMiB} MiB`,
      `queue: ${queue.keysPerSecond} keys/s (${queue.keys} keys, ${queue.workers} workers)`,
      `event→reconcile start @20/s: p50 ${latency20.p50Ms} ms, p99 ${latency20.p99Ms} ms (target p99 ≤ 100 ms)`,
      `event→reconcile start @200/s: p50 ${latency200.p50Ms} ms, p99 ${latency200.p99Ms} ms`,
      `wrote ${out}`,
    ].join("\n") + "\n",
  );
} finally {
  await cp.stop();
}
