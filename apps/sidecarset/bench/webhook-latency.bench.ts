// What the SidecarSet webhook adds to a pod create. Sequential pod creates through the API server, in three phases
// interleaved round by round: no SidecarSet machinery at all (before the controller starts), a pod no SidecarSet
// selects (the injection policy is evaluated, no webhook call), and a selected pod (the webhook is called over TLS
// and injects). Writes bench/results/sidecarset.json. Size: SIDECARSET_BENCH_PODS per phase (300).
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import pino from "pino";
import type { Pod } from "kubernetes-types/core/v1.js";
import { startControlPlane } from "@kruise/testenv";
import { Manager, NamespaceKind, PodKind, createClient, loadRestConfig } from "@kruise/sdk";
import { SidecarSetKind } from "@kruise/api";
import { addSidecarSetController } from "../src/controller.ts";

const N = Number(process.env.SIDECARSET_BENCH_PODS ?? 300);
const ROOT = resolve(import.meta.dirname, "../../..");

const cp = await startControlPlane({
  nodes: 0,
  controllerManager: false,
  scheduler: false,
  nats: false,
  benchmarkMode: true,
});
const client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: Infinity });
await client.create(NamespaceKind, { metadata: { name: "kruise-system" } });
await client.create(NamespaceKind, { metadata: { name: "bench" } });

const pod = (name: string, app: string): Pod => ({
  metadata: { name, namespace: "bench", labels: { app } },
  spec: { containers: [{ name: "app", image: "nginx:1" }] },
});

async function timedCreate(name: string, app: string): Promise<number> {
  const t = performance.now();
  const created = await client.create(PodKind, pod(name, app));
  const ms = performance.now() - t;
  if (app === "selected" && !created.spec?.containers.some((c) => c.name === "proxy"))
    throw new Error(`pod ${name} was not injected`);
  return ms;
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const summary = (xs: number[]) => ({
  n: xs.length,
  p50Ms: +quantile(xs, 0.5).toFixed(2),
  p90Ms: +quantile(xs, 0.9).toFixed(2),
  p99Ms: +quantile(xs, 0.99).toFixed(2),
});

// Warm-up, then the phase without any SidecarSet machinery.
for (let i = 0; i < 20; i++) await timedCreate(`warm-${i}`, "plain");
const none: number[] = [];
for (let i = 0; i < N; i++) none.push(await timedCreate(`none-${i}`, "plain"));

const mgr = await Manager.create({
  name: "sidecarset-controller",
  kubeconfig: cp.kubeconfigPath,
  qps: 200,
  burst: 400,
  metricsBindAddress: "0",
  healthProbeBindAddress: "0",
  logger: pino({ level: "warn" }),
});
addSidecarSetController(mgr, { namespace: "kruise-system", webhookAddress: { url: {} } });
const abort = new AbortController();
const running = mgr.start(abort.signal);
await client.create(SidecarSetKind, {
  apiVersion: "apps.kruise.io/v1alpha1",
  kind: "SidecarSet",
  metadata: { name: "bench" },
  spec: { selector: { matchLabels: { app: "selected" } }, containers: [{ name: "proxy", image: "proxy:1" }] },
});
for (let i = 0; ; i++) {
  const p = await client.create(PodKind, pod(`probe-${i}`, "selected")).catch(() => undefined);
  if (p?.spec?.containers.some((c) => c.name === "proxy")) break;
  await new Promise((r) => setTimeout(r, 200));
}
for (let i = 0; i < 20; i++) await timedCreate(`warm2-${i}`, "selected");

// Unselected pods alone: what the injection policy (evaluated for every pod) costs, without reconciles in between.
const unselectedAlone: number[] = [];
for (let i = 0; i < N; i++) unselectedAlone.push(await timedCreate(`alone-${i}`, "plain"));
const unselected: number[] = [];
const selected: number[] = [];
for (let i = 0; i < N; i++) {
  unselected.push(await timedCreate(`unselected-${i}`, "plain"));
  selected.push(await timedCreate(`selected-${i}`, "selected"));
}
/** Mean of a prom-client histogram's observations, in ms. */
function meanMs(values: ReadonlyArray<{ value: number; metricName?: string }>): number | undefined {
  const sum = values.find((v) => v.metricName?.endsWith("_sum"))?.value;
  const count = values.find((v) => v.metricName?.endsWith("_count"))?.value;
  return sum !== undefined && count ? +((sum / count) * 1000).toFixed(2) : undefined;
}
const webhookSeconds = await mgr.registry
  .getSingleMetric("controller_runtime_webhook_latency_seconds")
  ?.get();
abort.abort();
await running.catch(() => undefined);
await client.close();
await cp.stop();

const results = {
  what: "sequential pod creates through the API server (no nodes): none = before the controller runs; unselected / selected interleaved with it running",
  podsPerPhase: N,
  none: summary(none),
  unselectedAlone: summary(unselectedAlone),
  unselected: summary(unselected),
  selected: summary(selected),
  // The headline: the same create, selected (webhook called) against not selected, both with the controller running.
  webhookAddedP50Ms: +(quantile(selected, 0.5) - quantile(unselected, 0.5)).toFixed(2),
  webhookAddedP99Ms: +(quantile(selected, 0.99) - quantile(unselected, 0.99)).toFixed(2),
  addedP50Ms: +(quantile(selected, 0.5) - quantile(none, 0.5)).toFixed(2),
  addedP99Ms: +(quantile(selected, 0.99) - quantile(none, 0.99)).toFixed(2),
  unselectedAddedP99Ms: +(quantile(unselected, 0.99) - quantile(none, 0.99)).toFixed(2),
  policyAddedP50Ms: +(quantile(unselectedAlone, 0.5) - quantile(none, 0.5)).toFixed(2),
  policyAddedP99Ms: +(quantile(unselectedAlone, 0.99) - quantile(none, 0.99)).toFixed(2),
  webhookServerMeanMs: meanMs(webhookSeconds?.values ?? []),
  loadAverage1m: loadavg()[0],
};
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
writeFileSync(resolve(ROOT, "bench/results/sidecarset.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
