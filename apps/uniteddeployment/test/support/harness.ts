// Runs the UnitedDeployment controller against the shared control plane as an identity holding exactly
// src/rbac.ts's rules, in this process (writes counted) or as a child process (SIGKILL tests); and the CloneSet
// controller as a child process (apps never import apps: subsets are driven through the API only).
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Manager, type WriteRecord } from "@kruise/sdk";
import { kubectl, type TestEnvInfo } from "@kruise/testenv/vitest";
import pino from "pino";
import { addUnitedDeploymentController, CONTROLLER_NAME } from "../../src/controller.ts";
import { unitedDeploymentControllerClusterRole } from "../../src/rbac.ts";

/** kubectl that throws with its stderr on a non-zero exit. */
export async function k(args: string[], input?: string): Promise<string> {
  const r = await kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** A kubeconfig for a ServiceAccount bound (in `namespace` only) to the controller's ClusterRole. */
export async function controllerKubeconfig(info: TestEnvInfo, namespace: string): Promise<string> {
  const role = unitedDeploymentControllerClusterRole(`kruise-uniteddeployment-controller-${namespace}`);
  const sa = "uniteddeployment-controller";
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
  const path = join(tmpdir(), `uniteddeployment-controller-${namespace}.kubeconfig`);
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
    logger: pino({ level: process.env.UD_TEST_LOG ?? "warn" }),
    onWrite: (w) => writes.push(w),
  });
  addUnitedDeploymentController(mgr, { workers: 3, namespace });
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

function startProcess(
  main: string,
  kubeconfig: string,
  namespace: string,
  extra: readonly string[] = [],
): ControllerProcess {
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
      "--log-level=warn",
      ...extra,
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

/** `node apps/uniteddeployment/src/main.ts` as a child process. */
export function startControllerProcess(kubeconfig: string, namespace: string): ControllerProcess {
  return startProcess(resolve(import.meta.dirname, "../../src/main.ts"), kubeconfig, namespace);
}

/** A subset kind's own controller binary (apps/<app>/src/main.ts), with the admin's kubeconfig. */
export function startSubsetController(
  app: "cloneset" | "statefulset",
  info: TestEnvInfo,
  namespace: string,
  extra: readonly string[] = [],
): ControllerProcess {
  return startProcess(
    resolve(import.meta.dirname, `../../../${app}/src/main.ts`),
    info.kubeconfigPath,
    namespace,
    extra,
  );
}

/** The CloneSet controller binary (the subset workloads' own controller), with the admin's kubeconfig. */
export function startCloneSetController(info: TestEnvInfo, namespace: string): ControllerProcess {
  return startSubsetController("cloneset", info, namespace);
}
