// What the SidecarSet webhook adds to a pod create. Sequential pod creates through the API server. First a phase
// with no SidecarSet machinery at all (before the controller starts); then, with the controller running, three kinds
// of create interleaved round by round in a shuffled order, so that the machine's load falls on all three alike:
// - baseline: a pod in the controller's namespace, which neither the webhook entries nor the injection policy match
//   (the same create without the webhook);
// - unselected: a pod no SidecarSet selects (the injection policy is evaluated, no webhook call);
// - selected: a pod a SidecarSet selects (the webhook is called over TLS and injects).
// The headline is selected against baseline, at p50 and p99, as a difference and as a ratio.
// Writes bench/results/sidecarset.json. Size: SIDECARSET_BENCH_PODS per kind (300).
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
const CONTROLLER_NS = "kruise-system";
const ROOT = resolve(import.meta.dirname, "../../..");

const cp = await startControlPlane({
  nodes: 0,
  controllerManager: false,
  scheduler: false,
  nats: false,
  benchmarkMode: true,
});
const client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: Infinity });
await client.create(NamespaceKind, { metadata: { name: CONTROLLER_NS } });
await client.create(NamespaceKind, { metadata: { name: "bench" } });

const pod = (name: string, app: string): Pod => ({
  metadata: { name, namespace: app === "baseline" ? CONTROLLER_NS : "bench", labels: { app } },
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
addSidecarSetController(mgr, { namespace: CONTROLLER_NS, webhookAddress: { url: {} } });
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
const baseline: number[] = [];
const unselected: number[] = [];
const selected: number[] = [];
const kinds = [
  { app: "baseline", into: baseline },
  { app: "plain", into: unselected },
  { app: "selected", into: selected },
];
for (let i = 0; i < N; i++) {
  const order = [...kinds].sort(() => Math.random() - 0.5);
  for (const k of order) k.into.push(await timedCreate(`${k.app}-${i}`, k.app));
}
/** The upper bound of the histogram bucket holding the q-quantile, in ms (controller-runtime's buckets). */
function bucketQuantileMs(
  values: ReadonlyArray<{ value: number; metricName?: string; labels: Record<string, unknown> }>,
  q: number,
): number | undefined {
  const buckets = values
    .filter((v) => v.metricName?.endsWith("_bucket") && v.labels["le"] !== "+Inf")
    .map((v) => ({ le: Number(v.labels["le"]), count: v.value }))
    .sort((a, b) => a.le - b.le);
  const total = values.find((v) => v.metricName?.endsWith("_count"))?.value;
  if (!total) return undefined;
  const hit = buckets.find((b) => b.count >= q * total);
  return hit ? +(hit.le * 1000).toFixed(2) : undefined;
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
  what: "sequential pod creates through the API server (no nodes): none = before the controller runs; baseline (controller's namespace: no webhook, no policy) / unselected (policy) / selected (policy + webhook) interleaved in shuffled rounds with it running",
  podsPerPhase: N,
  none: summary(none),
  unselectedAlone: summary(unselectedAlone),
  baseline: summary(baseline),
  unselected: summary(unselected),
  selected: summary(selected),
  // The headline: a selected create (policy + webhook call) against the same create that neither sees, interleaved.
  webhookAddedP50Ms: +(quantile(selected, 0.5) - quantile(baseline, 0.5)).toFixed(2),
  webhookAddedP99Ms: +(quantile(selected, 0.99) - quantile(baseline, 0.99)).toFixed(2),
  selectedToBaselineP50Ratio: +(quantile(selected, 0.5) / quantile(baseline, 0.5)).toFixed(3),
  selectedToBaselineP99Ratio: +(quantile(selected, 0.99) / quantile(baseline, 0.99)).toFixed(3),
  // What the webhook call alone adds: selected against unselected (both evaluate the policy).
  webhookCallAddedP50Ms: +(quantile(selected, 0.5) - quantile(unselected, 0.5)).toFixed(2),
  webhookCallAddedP99Ms: +(quantile(selected, 0.99) - quantile(unselected, 0.99)).toFixed(2),
  unselectedToBaselineP99Ratio: +(quantile(unselected, 0.99) / quantile(baseline, 0.99)).toFixed(3),
  addedP50Ms: +(quantile(selected, 0.5) - quantile(none, 0.5)).toFixed(2),
  addedP99Ms: +(quantile(selected, 0.99) - quantile(none, 0.99)).toFixed(2),
  unselectedAddedP99Ms: +(quantile(unselected, 0.99) - quantile(none, 0.99)).toFixed(2),
  policyAddedP50Ms: +(quantile(unselectedAlone, 0.5) - quantile(none, 0.5)).toFixed(2),
  policyAddedP99Ms: +(quantile(unselectedAlone, 0.99) - quantile(none, 0.99)).toFixed(2),
  webhookServerMeanMs: meanMs(webhookSeconds?.values ?? []),
  webhookServerP99BucketMs: bucketQuantileMs(webhookSeconds?.values ?? [], 0.99),
  loadAverage1m: loadavg()[0],
};
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
writeFileSync(resolve(ROOT, "bench/results/sidecarset.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
