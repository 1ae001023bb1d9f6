// Runs the controller against the shared control plane as an identity holding exactly src/rbac.ts's rules,
// either in this process (writes counted) or as a child process (for SIGKILL tests).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  createClient,
  Informer,
  loadRestConfig,
  Manager,
  PodKind,
  type ReadOnly,
  type WriteRecord,
} from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { kubectl, type TestEnvInfo } from "@kruise/testenv/vitest";
import pino from "pino";
import { addStatefulSetController, CONTROLLER_NAME } from "../../src/controller.ts";
import { statefulSetControllerClusterRole } from "../../src/rbac.ts";

/** kubectl that throws with its stderr on a non-zero exit. */
export async function k(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A kubeconfig for a ServiceAccount bound (in `namespace` only) to the controller's ClusterRole. */
export async function controllerKubeconfig(info: TestEnvInfo, namespace: string): Promise<string> {
  const role = statefulSetControllerClusterRole(`kruise-statefulset-controller-${namespace}`);
  const sa = "statefulset-controller";
  const objects = [
    role,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: sa, namespace } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: sa, namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: sa, namespace }],
    },
  ];
  await k(["apply", "-f", "-"], objects.map((o) => JSON.stringify(o)).join("\n"));
  const token = (await k(["create", "token", sa, "-n", namespace, "--duration=3h"])).trim();
  const path = join(tmpdir(), `statefulset-controller-${namespace}.kubeconfig`);
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "testenv",
        cluster: {
          server: info.server,
          "certificate-authority-data": Buffer.from(info.caData).toString("base64"),
        },
      },
    ],
    users: [{ name: sa, user: { token } }],
    contexts: [{ name: "controller", context: { cluster: "testenv", user: sa, namespace } }],
    "current-context": "controller",
  };
  writeFileSync(path, JSON.stringify(kubeconfig), { mode: 0o600 });
  return path;
}

export interface InProcessController {
  /** Every API write the controller made (Events included), in order. */
  readonly writes: WriteRecord[];
  stop(): Promise<void>;
}

export async function startInProcessController(
  kubeconfig: string,
  namespace: string,
): Promise<InProcessController> {
  const writes: WriteRecord[] = [];
  const mgr = await Manager.create({
    name: CONTROLLER_NAME,
    kubeconfig,
    qps: 200,
    burst: 400,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: process.env.STATEFULSET_TEST_LOG ?? "warn" }),
    onWrite: (w) => writes.push(w),
  });
  addStatefulSetController(mgr, { workers: 3, namespace });
  const abort = new AbortController();
  const running = mgr.start(abort.signal);
  return {
    writes,
    stop: async () => {
      abort.abort();
      await running.catch(() => undefined);
    },
  };
}

export interface ControllerProcess {
  output(): string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** `node apps/statefulset/src/main.ts` as a child process. */
export function startControllerProcess(kubeconfig: string, namespace: string): ControllerProcess {
  const main = resolve(import.meta.dirname, "../../src/main.ts");
  const child = spawn(
    process.execPath,
    [
      "--conditions=@kruise/source",
      main,
      `--kubeconfig=${kubeconfig}`,
      `--namespace=${namespace}`,
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      "--leader-elect=false",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const keep = (chunk: Buffer): void => {
    out = (out + chunk.toString()).slice(-100_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    await exited;
  };
  return { output: () => out, kill: () => signal("SIGKILL"), stop: () => signal("SIGTERM") };
}

export interface PodEvent {
  readonly type: "created" | "terminating";
  readonly name: string;
  readonly uid: string;
}

/** Watches a namespace's pods and records, in arrival order from now on, each pod created and each that starts terminating. */
export async function watchPods(
  info: TestEnvInfo,
  namespace: string,
): Promise<{ events: PodEvent[]; stop(): void }> {
  const client = createClient(await loadRestConfig(info.kubeconfigPath), { qps: 100, burst: 200 });
  const informer = new Informer<Pod>(client, PodKind, { namespace });
  const events: PodEvent[] = [];
  let recording = false; // the initial list is the state before, not an event
  const seen = (pod: ReadOnly<Pod>, type: PodEvent["type"]): void => {
    if (recording) events.push({ type, name: pod.metadata?.name ?? "", uid: pod.metadata?.uid ?? "" });
  };
  informer.addEventHandler({
    onAdd: (pod) => {
      seen(pod, "created");
      if (pod.metadata?.deletionTimestamp !== undefined) seen(pod, "terminating");
    },
    onUpdate: (old, pod) => {
      if (old.metadata?.deletionTimestamp === undefined && pod.metadata?.deletionTimestamp !== undefined)
        seen(pod, "terminating");
    },
  });
  const abort = new AbortController();
  void informer.run(abort.signal);
  await informer.waitForSync(abort.signal);
  recording = true;
  return { events, stop: () => abort.abort() };
}
