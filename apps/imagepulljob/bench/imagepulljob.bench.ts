// `npm run bench -- imagepulljob` (or: node --conditions=@kruise/source apps/imagepulljob/bench/imagepulljob.bench.ts).
// Pulling one image onto IPJ_BENCH_NODES (3) simulated nodes, each with its own containerd (imageServices): an
// ImagePullJob (parallelism = node count, through the controllers in this process and one kruise-daemon process per
// node) against `crictl pull` run on every node at once, in the same run. Before each measurement the image is
// removed from every node (CRI RemoveImage, which garbage-collects synchronously), so both start cold; rounds
// alternate which goes first. Reports the ImagePullJob's time as a ratio to crictl's. Writes
// bench/results/imagepulljob.json.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { ImagePullJobKind, NodeImageKind } from "@kruise/api";
import { createClient, loadRestConfig, Manager, NamespaceKind } from "@kruise/sdk";
import { startControlPlane } from "@kruise/testenv";
import { addImagePullJobController, addNodeImageController } from "../src/controller.ts";

const NODES = Number(process.env["IPJ_BENCH_NODES"] ?? 3);
const ROUNDS = Number(process.env["IPJ_BENCH_ROUNDS"] ?? 3);
const IMAGE = process.env["IPJ_BENCH_IMAGE"] ?? "nginx:1.27";
const ROOT = resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);
const say = (s: string): void => void process.stdout.write(`[imagepulljob bench] ${s}\n`);

const cp = await startControlPlane({ nodes: NODES, imageServices: true, nats: false, benchmarkMode: true });
const client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
const mgr = await Manager.create({
  name: "imagepulljob-bench",
  kubeconfig: cp.kubeconfigPath,
  metricsBindAddress: "0",
  healthProbeBindAddress: "0",
  logger: pino({ level: "warn" }),
});
addNodeImageController(mgr);
addImagePullJobController(mgr);
const running = mgr.start();
const nodes = Object.keys(cp.criSockets).sort();
const agents: ChildProcess[] = nodes.map((node) =>
  spawn(
    process.execPath,
    [
      "--conditions=@kruise/source",
      resolve(ROOT, "apps/kruise-daemon/src/main.ts"),
      `--kubeconfig=${cp.kubeconfigPath}`,
      `--node-name=${node}`,
      `--cri-endpoint=unix://${cp.criSockets[node] ?? ""}`,
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      "--log-level=warn",
    ],
    { stdio: ["ignore", "inherit", "inherit"] },
  ),
);

const crictl = (node: string, ...args: string[]) => {
  const socket = `unix://${cp.criSockets[node] ?? ""}`;
  return run(resolve(cp.binDir, "crictl"), ["-i", socket, "-r", socket, "--timeout", "120s", ...args]);
};
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function removeEverywhere(): Promise<void> {
  await Promise.all(nodes.map((node) => crictl(node, "rmi", IMAGE).catch(() => undefined)));
}

await client.create(NamespaceKind, { metadata: { name: "bench" } });
await client.create(NamespaceKind, { metadata: { name: "kruise-daemon-config" } });
say(`waiting for ${NODES} NodeImages (a node must be Ready 30 s)`);
await until("NodeImages", async () => (await client.list(NodeImageKind)).items.length === NODES);

async function crictlRound(): Promise<number> {
  await removeEverywhere();
  const start = performance.now();
  await Promise.all(nodes.map((node) => crictl(node, "pull", IMAGE)));
  return performance.now() - start;
}
let jobs = 0;
async function jobRound(): Promise<number> {
  await removeEverywhere();
  const name = `bench-${++jobs}`;
  const start = performance.now();
  await client.create(ImagePullJobKind, {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "ImagePullJob",
    metadata: { name, namespace: "bench" },
    // Always: a later round's job must pull again although an earlier one already succeeded on these nodes.
    spec: { image: IMAGE, parallelism: NODES, imagePullPolicy: "Always" },
  });
  await until(name, async () => {
    const job = await client.get(ImagePullJobKind, name, "bench");
    return job.status?.completionTime !== undefined;
  });
  const elapsed = performance.now() - start;
  const job = await client.get(ImagePullJobKind, name, "bench");
  if (job.status?.succeeded !== NODES) throw new Error(`${name}: ${JSON.stringify(job.status)}`);
  return elapsed;
}

const crictlMs: number[] = [];
const jobMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round % 2 === 0) {
    crictlMs.push(await crictlRound());
    jobMs.push(await jobRound());
  } else {
    jobMs.push(await jobRound());
    crictlMs.push(await crictlRound());
  }
  say(
    `round ${round + 1}: crictl ${crictlMs.at(-1)?.toFixed(0)} ms, ImagePullJob ${jobMs.at(-1)?.toFixed(0)} ms`,
  );
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const result = {
  image: IMAGE,
  nodes: NODES,
  rounds: ROUNDS,
  crictlPullAllNodesMs: crictlMs.map(Math.round),
  imagePullJobMs: jobMs.map(Math.round),
  medianCrictlMs: Math.round(median(crictlMs)),
  medianImagePullJobMs: Math.round(median(jobMs)),
  ratioImagePullJobToCrictl: Math.round((median(jobMs) / median(crictlMs)) * 100) / 100,
};
say(JSON.stringify(result));
mkdirSync(resolve(ROOT, "bench/results"), { recursive: true });
writeFileSync(resolve(ROOT, "bench/results/imagepulljob.json"), `${JSON.stringify(result, null, 2)}\n`);

for (const agent of agents) agent.kill("SIGKILL");
await mgr.stop();
await running.catch(() => undefined);
await client.close();
await cp.stop();
