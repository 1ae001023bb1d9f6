// `npm run bench -- daemonset` (or: node --conditions=@kruise/source apps/daemonset/bench/daemonset.bench.ts).
// One private control plane with DS_BENCH_NODES simulated nodes (100); kube-controller-manager's DaemonSet and ours
// run in the same run at the same client QPS/burst (DS_BENCH_QPS 100, DS_BENCH_BURST 200), one after the other so they
// do not share the CPU. Phases: first rollout (a pod on every node, all ready) and a rolling update of the image at
// maxUnavailable DS_BENCH_MAX_UNAVAILABLE ("10%"). Each of our figures is reported as a ratio to kcm's.
// Writes bench/results/daemonset.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import pino from "pino";
import type { DaemonSet as AppsDaemonSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { DaemonSetKind } from "@kruise/api";
import {
  createClient,
  Informer,
  type Kind,
  loadRestConfig,
  Manager,
  NamespaceKind,
  PodKind,
  type WriteRecord,
} from "@kruise/sdk";
import { startControlPlane } from "@kruise/testenv";
import { addDaemonSetController, CONTROLLER_NAME } from "../src/controller.ts";

const NODES = Number(process.env.DS_BENCH_NODES ?? 100);
const QPS = Number(process.env.DS_BENCH_QPS ?? 100);
const BURST = Number(process.env.DS_BENCH_BURST ?? 200);
const MAX_UNAVAILABLE = process.env.DS_BENCH_MAX_UNAVAILABLE ?? "10%";
const ROOT = resolve(import.meta.dirname, "../../..");
const say = (s: string): void => void process.stdout.write(`[daemonset bench] ${s}\n`);
const seconds = (ms: number): number => Math.round(ms / 10) / 100;

const BuiltinDaemonSetKind: Kind<AppsDaemonSet> = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  plural: "daemonsets",
  namespaced: true,
};

const cp = await startControlPlane({
  nodes: NODES,
  nats: false,
  controllerManager: { qps: QPS, burst: BURST },
  benchmarkMode: true,
  log: (l) => say(l),
});
const admin = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 2000 });
const writes: WriteRecord[] = [];
const mgr = await Manager.create({
  name: "ds-bench",
  kubeconfig: cp.kubeconfigPath,
  qps: QPS,
  burst: BURST,
  metricsBindAddress: "0",
  healthProbeBindAddress: "0",
  logger: pino({ level: "warn" }),
  onWrite: (w) => {
    if (w.controller === CONTROLLER_NAME) writes.push(w);
  },
});
addDaemonSetController(mgr, { workers: 3 });
const running = mgr.start();

const ready = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const done =
  (image: string) =>
  (pods: readonly Pod[]): boolean => {
    const live = pods.filter((p) => p.metadata?.deletionTimestamp === undefined);
    return live.length === NODES && live.every((p) => p.spec?.containers[0]?.image === image && ready(p));
  };

/** Ms from `start` until `ok(pods)` holds for the namespace's pods (watched, not polled from the API). */
async function podsUntil(
  namespace: string,
  start: number,
  ok: (pods: readonly Pod[]) => boolean,
): Promise<number> {
  const abort = new AbortController();
  const informer = new Informer<Pod>(admin, PodKind, { namespace, freeze: false });
  const run = informer.run(abort.signal);
  try {
    const deadline = Date.now() + 900_000;
    for (;;) {
      if (informer.hasSynced() && ok(informer.store.list() as Pod[])) return Date.now() - start;
      if (Date.now() > deadline) throw new Error(`timed out in ${namespace}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    abort.abort();
    await run.catch(() => undefined);
  }
}

function manifest(ns: string, image: string): AppsDaemonSet {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "bench", namespace: ns },
    spec: {
      selector: { matchLabels: { app: "bench" } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: MAX_UNAVAILABLE } },
      template: { metadata: { labels: { app: "bench" } }, spec: { containers: [{ name: "main", image }] } },
    },
  };
}

interface Phase {
  rolloutSeconds: number;
  updateSeconds: number;
  rolloutWrites?: number;
  updateWrites?: number;
}

async function runOne(which: "kcm" | "kruise-ts"): Promise<Phase> {
  const ns = `bench-${which}`;
  await admin.create(NamespaceKind, { metadata: { name: ns } });
  const kind = which === "kcm" ? BuiltinDaemonSetKind : (DaemonSetKind as unknown as Kind<AppsDaemonSet>);
  const body = manifest(ns, "nginx:1");
  if (which === "kruise-ts") body.apiVersion = "apps.kruise.io/v1beta1" as "apps/v1";
  const mine = (): number => writes.filter((w) => w.namespace === ns).length;
  let start = Date.now();
  await admin.create(kind, body);
  const rolloutSeconds = seconds(await podsUntil(ns, start, done("nginx:1")));
  const afterRollout = mine();
  start = Date.now();
  await admin.patch(kind, "bench", ns, "merge", {
    spec: {
      template: {
        metadata: { labels: { app: "bench" } },
        spec: { containers: [{ name: "main", image: "nginx:2" }] },
      },
    },
  });
  const updateSeconds = seconds(await podsUntil(ns, start, done("nginx:2")));
  say(`${which}: first rollout ${rolloutSeconds}s, update ${updateSeconds}s`);
  const phase: Phase = { rolloutSeconds, updateSeconds };
  if (which === "kruise-ts") {
    phase.rolloutWrites = afterRollout;
    phase.updateWrites = mine() - afterRollout;
  }
  await admin.delete(NamespaceKind, ns);
  return phase;
}

try {
  const kcm = await runOne("kcm");
  const ours = await runOne("kruise-ts");
  const result = {
    nodes: NODES,
    qps: QPS,
    burst: BURST,
    maxUnavailable: MAX_UNAVAILABLE,
    kcm,
    kruiseTs: ours,
    ratio: {
      rollout: Math.round((ours.rolloutSeconds / kcm.rolloutSeconds) * 100) / 100,
      update: Math.round((ours.updateSeconds / kcm.updateSeconds) * 100) / 100,
    },
    note: "ratio = kruise-ts seconds / kube-controller-manager seconds (below 1 is faster); both at the same client QPS/burst",
  };
  mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
  writeFileSync(resolve(ROOT, "bench/results/daemonset.json"), `${JSON.stringify(result, null, 2)}\n`);
  say(JSON.stringify(result));
} finally {
  await mgr.stop();
  await running.catch(() => undefined);
  await admin.close();
  await cp.stop();
}
