// A private control plane whose every node pulls through a real CRI (simulated nodes: imageServices; real nodes
// when the machine can run them), the ImagePullJob and NodeImage controllers in this process, and one kruise-daemon
// process per node.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { ImagePullJobKind, NodeImageKind, type ImagePullJob, type NodeImage } from "@kruise/api";
import { createClient, type HttpClient, loadRestConfig, Manager, NamespaceKind } from "@kruise/sdk";
import { findBinaries, realNodeSupport, startControlPlane, type ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import {
  addImagePullJobController,
  addNodeImageController,
  addPredownloadController,
} from "../src/controller.ts";
import type { PredownloadAdapter } from "../src/predownload.ts";
import { cloneSetPredownload } from "../src/predownload-cloneset.ts";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");

export async function criSupport(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.KRUISE_TESTENV === "off") return { ok: false, reason: "KRUISE_TESTENV=off" };
  try {
    return realNodeSupport(await findBinaries());
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error),
    };
  }
}

export interface Cluster {
  plane: ControlPlane;
  client: HttpClient;
  nodes: string[];
  /** Starts (again) the agent of `node`. */
  startAgent(node: string): ChildProcess;
  /** SIGKILLs the agent of `node` and waits for it to exit. */
  killAgent(node: string): Promise<void>;
  crictl(node: string, ...args: string[]): Promise<string>;
  /** Starts the CloneSet controller (its own process) with PreDownloadImageForInPlaceUpdate on. */
  startCloneSetController(): void;
  /** Starts another workload controller app (its own process, e.g. "daemonset") with these flags. */
  startWorkloadController(app: string, ...flags: string[]): void;
  /** A simulated node joining now, with its own image service and agent. */
  addNode(name: string, zone: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(options: {
  nodes: number;
  realNodes: number;
  /** The pre-download adapters to run (their gates on); default CloneSet's. */
  predownload?: readonly PredownloadAdapter[];
}): Promise<Cluster> {
  const plane = await startControlPlane({
    nodes: options.nodes,
    realNodes: options.realNodes,
    imageServices: true,
    throttledRegistry: true,
    nats: false,
  });
  const client = createClient(await loadRestConfig(plane.kubeconfigPath), { qps: 1000, burst: 1000 });
  const mgr = await Manager.create({
    name: "imagepulljob-test",
    kubeconfig: plane.kubeconfigPath,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: process.env["IPJ_TEST_LOG"] ?? "warn" }),
  });
  addNodeImageController(mgr);
  addImagePullJobController(mgr);
  // Their gates on (PreDownloadImageForInPlaceUpdate for CloneSet).
  for (const adapter of options.predownload ?? [cloneSetPredownload]) addPredownloadController(mgr, adapter);
  const running = mgr.start();
  await client.create(NamespaceKind, { metadata: { name: "kruise-daemon-config" } });
  const agents = new Map<string, ChildProcess>();
  const nodes = Object.keys(plane.criSockets).sort();
  const startAgent = (node: string): ChildProcess => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=@kruise/source",
        resolve(root, "apps/kruise-daemon/src/main.ts"),
        `--kubeconfig=${plane.kubeconfigPath}`,
        `--node-name=${node}`,
        `--cri-endpoint=unix://${plane.criSockets[node] ?? ""}`,
        "--metrics-bind-address=0",
        "--health-probe-bind-address=0",
        "--leader-elect=false",
        `--log-level=${process.env["IPJ_TEST_LOG"] ?? "warn"}`,
      ],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    agents.set(node, child);
    return child;
  };
  for (const node of nodes) startAgent(node);
  const cluster: Cluster = {
    plane,
    client,
    nodes,
    startAgent,
    killAgent: async (node) => {
      const child = agents.get(node);
      if (child === undefined || child.exitCode !== null) return;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGKILL");
      await exited;
    },
    crictl: async (node, ...args) => {
      const socket = `unix://${plane.criSockets[node] ?? ""}`;
      const { stdout } = await run(resolve(plane.binDir, "crictl"), [
        "--image-endpoint",
        socket,
        "--runtime-endpoint",
        socket,
        "--timeout",
        "60s",
        ...args,
      ]);
      return stdout;
    },
    startCloneSetController: () =>
      cluster.startWorkloadController("cloneset", "--feature-gates=PreDownloadImageForInPlaceUpdate=true"),
    startWorkloadController: (app, ...flags) => {
      const child = spawn(
        process.execPath,
        [
          "--conditions=@kruise/source",
          resolve(root, `apps/${app}/src/main.ts`),
          `--kubeconfig=${plane.kubeconfigPath}`,
          "--metrics-bind-address=0",
          "--health-probe-bind-address=0",
          "--leader-elect=false",
          "--log-level=warn",
          ...flags,
        ],
        { stdio: ["ignore", "inherit", "inherit"] },
      );
      agents.set(`${app}-controller`, child);
    },
    addNode: async (name, zone) => {
      await plane.kubelet?.addNode(name, zone);
      await plane.addImageService(name);
      nodes.push(name);
      nodes.sort();
      startAgent(name);
    },
    stop: async () => {
      for (const node of agents.keys()) await cluster.killAgent(node);
      await mgr.stop();
      await running.catch(() => undefined);
      await client.close();
      await plane.stop();
    },
  };
  // NodeImages appear 30 s after each node became Ready.
  await waitFor(
    `a NodeImage for each of ${nodes.join(", ")}`,
    async () => (await client.list(NodeImageKind)).items.length === nodes.length,
    120_000,
    500,
  );
  return cluster;
}

export function imagePullJob(
  namespace: string,
  name: string,
  spec: Partial<ImagePullJob["spec"]>,
): ImagePullJob {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "ImagePullJob",
    metadata: { name, namespace },
    spec: { image: "nginx:1.25", ...spec },
  };
}

export async function finished(
  client: HttpClient,
  namespace: string,
  name: string,
  timeoutMs = 120_000,
): Promise<ImagePullJob> {
  return waitFor(
    `ImagePullJob ${namespace}/${name} to complete`,
    async () => {
      const job = await client.get(ImagePullJobKind, name, namespace);
      return job.status?.completionTime !== undefined ? job : undefined;
    },
    timeoutMs,
    250,
  );
}

/** The status of `image:tag` in the NodeImage of `node`. */
export async function tagStatus(client: HttpClient, node: string, image: string, tag: string) {
  const ni: NodeImage = await client.get(NodeImageKind, node);
  return ni.status?.imageStatuses?.[image]?.tags?.find((t) => t.tag === tag);
}
