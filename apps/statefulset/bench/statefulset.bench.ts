// `npm run bench -- statefulset`: Advanced StatefulSet against kube-controller-manager's StatefulSet on one private
// control plane, both clients at the same QPS/burst. Phases: a Parallel scale from 0 to N, and an image update of
// the N pods (ours in place, kcm's by recreate, both with maxUnavailable 100%). Each is reported as a ratio to
// kcm's time. Writes bench/results/statefulset.json. Sizes: STATEFULSET_BENCH_PODS (500), STATEFULSET_BENCH_QPS
// (100), STATEFULSET_BENCH_BURST (200).
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  createClient,
  Informer,
  type Kind,
  loadRestConfig,
  Manager,
  PodKind,
  type WriteRecord,
} from "@kruise/sdk";
import { StatefulSetKind } from "@kruise/api";
import { startControlPlane } from "@kruise/testenv";
import type { Pod } from "kubernetes-types/core/v1.js";
import pino from "pino";
import { addStatefulSetController, CONTROLLER_NAME } from "../src/controller.ts";

const N = Number(process.env.STATEFULSET_BENCH_PODS ?? 500);
const QPS = Number(process.env.STATEFULSET_BENCH_QPS ?? 100);
const BURST = Number(process.env.STATEFULSET_BENCH_BURST ?? 200);
const ROOT = resolve(import.meta.dirname, "../../..");
const say = (s: string): void => void process.stdout.write(`[statefulset bench] ${s}\n`);
const seconds = (ms: number): number => Math.round(ms / 10) / 100;
const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

const cp = await startControlPlane({
  nodes: 4,
  nats: false,
  controllerManager: { qps: QPS, burst: BURST },
  benchmarkMode: true,
  kubelet: {
    capacity: { cpu: "64", memory: "256Gi", "ephemeral-storage": "500Gi", pods: String(Math.ceil(N / 2)) },
  },
  log: (l) => say(l),
});
const admin = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 2000 });
async function kubectl(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Milliseconds from `start` until `done(pods)` holds for the namespace's pods (watched). */
async function podsUntil(
  namespace: string,
  start: number,
  done: (pods: readonly Pod[]) => boolean,
): Promise<number> {
  const abort = new AbortController();
  const informer = new Informer<Pod>(admin, PodKind, { namespace, freeze: false });
  const run = informer.run(abort.signal);
  try {
    const deadline = Date.now() + 1_800_000;
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
const allReady = (image: string) => (pods: readonly Pod[]) =>
  pods.length === N &&
  pods.every(
    (p) =>
      p.metadata?.deletionTimestamp === undefined &&
      p.status?.containerStatuses?.[0]?.image === image &&
      p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true,
  );

function manifest(
  apiVersion: string,
  namespace: string,
  replicas: number,
  image: string,
  inPlace: boolean,
): string {
  return JSON.stringify({
    apiVersion,
    kind: "StatefulSet",
    metadata: { name: "bench", namespace },
    spec: {
      replicas,
      serviceName: "bench",
      podManagementPolicy: "Parallel",
      selector: { matchLabels: { app: "bench" } },
      template: {
        metadata: { labels: { app: "bench" } },
        spec: {
          ...(inPlace ? { readinessGates: [{ conditionType: "InPlaceUpdateReady" }] } : {}),
          containers: [{ name: "main", image }],
        },
      },
      updateStrategy: {
        type: "RollingUpdate",
        rollingUpdate: {
          maxUnavailable: "100%",
          ...(inPlace ? { podUpdatePolicy: "InPlaceIfPossible" } : {}),
        },
      },
    },
  });
}

const phaseStarts: number[] = [];

/** apps/v1 StatefulSet, kcm's. */
const AppsV1StatefulSet: Kind = {
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  namespaced: true,
};

/**
 * Both phases for one controller. The changes go through the HTTP client (a merge patch), not kubectl: kubectl's
 * discovery and schema downloads for a custom resource take seconds on a loaded machine, which is not the
 * controller's time.
 */
async function phases(
  apiVersion: string,
  namespace: string,
  inPlace: boolean,
): Promise<{ scaleMs: number; updateMs: number }> {
  const kind = apiVersion === "apps/v1" ? AppsV1StatefulSet : StatefulSetKind;
  await kubectl(["create", "namespace", namespace]);
  await kubectl(["apply", "-f", "-"], manifest(apiVersion, namespace, 0, "nginx:1", inPlace));
  let start = Date.now();
  phaseStarts.push(start);
  await admin.patch(kind, "bench", namespace, "merge", { spec: { replicas: N } });
  const scaleMs = await podsUntil(namespace, start, allReady("nginx:1"));
  say(`${apiVersion}: scale 0 -> ${N} in ${seconds(scaleMs)} s`);
  start = Date.now();
  phaseStarts.push(start);
  await admin.patch(kind, "bench", namespace, "merge", {
    spec: { template: { spec: { containers: [{ name: "main", image: "nginx:2" }] } } },
  });
  const updateMs = await podsUntil(namespace, start, allReady("nginx:2"));
  say(`${apiVersion}: update of ${N} in ${seconds(updateMs)} s`);
  return { scaleMs, updateMs };
}

const kcm = await phases("apps/v1", "bench-kcm", false);
// Scale kcm's set to 0 so its pods do not share the nodes' capacity with ours.
await kubectl(["scale", "statefulset", "bench", "-n", "bench-kcm", "--replicas=0"]);
await podsUntil("bench-kcm", Date.now(), (pods) => pods.length === 0);

const writes: (WriteRecord & { at: number })[] = [];
const mgr = await Manager.create({
  name: CONTROLLER_NAME,
  kubeconfig: cp.kubeconfigPath,
  qps: QPS,
  burst: BURST,
  metricsBindAddress: "0",
  healthProbeBindAddress: "0",
  logger: pino({ level: process.env.STATEFULSET_BENCH_LOG ?? "warn" }),
  onWrite: (w) => writes.push({ ...w, at: Date.now() }),
});
addStatefulSetController(mgr, { workers: 3, namespace: "bench-asts" });
const abort = new AbortController();
const running = mgr.start(abort.signal);
// kcm was already up when its phases began: give our manager the same (caches synced, initial list drained).
await new Promise((r) => setTimeout(r, 2000));
const ours = await phases("apps.kruise.io/v1beta1", "bench-asts", true);
abort.abort();
await running.catch(() => undefined);

const podWrites = writes.filter((w) => w.kind === "Pod").length;
/** When (s after the phase started) our first and last write of each kind happened: where the time goes. */
const [scaleStart = 0, updateStart = 0] = phaseStarts.slice(-2);
const timeline: Record<string, string> = {};
for (const w of writes) {
  const phase = w.at >= updateStart ? "update" : "scale";
  const key = `${phase}: ${w.verb} ${w.kind}${w.subresource ? `/${w.subresource}` : ""}`;
  const t = seconds(w.at - (phase === "update" ? updateStart : scaleStart));
  const [first] = (timeline[key] ?? `${t}`).split("-");
  timeline[key] = `${first ?? t}-${t}`;
}
/** Writes by kind/subresource: where the token bucket goes. */
const writesByKind: Record<string, number> = {};
for (const w of writes) {
  const key = `${w.verb} ${w.kind}${w.subresource ? `/${w.subresource}` : ""}`;
  writesByKind[key] = (writesByKind[key] ?? 0) + 1;
}
const results = {
  pods: N,
  qps: QPS,
  burst: BURST,
  parallelScale: {
    seconds: seconds(ours.scaleMs),
    kcmSeconds: seconds(kcm.scaleMs),
    ratioToKcm: ratio(ours.scaleMs, kcm.scaleMs),
  },
  imageUpdate: {
    seconds: seconds(ours.updateMs),
    kcmSeconds: seconds(kcm.updateMs),
    ratioToKcm: ratio(ours.updateMs, kcm.updateMs),
    note: "ours in place (InPlaceIfPossible), kcm's by recreate; both maxUnavailable 100%",
  },
  podWritesTotal: podWrites,
  writesByKind,
  timeline,
};
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
writeFileSync(resolve(ROOT, "bench/results/statefulset.json"), `${JSON.stringify(results, null, 2)}\n`);
say(JSON.stringify(results));
await cp.stop();
