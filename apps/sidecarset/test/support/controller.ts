// The SidecarSet controller in this process (so a test counts its writes), as a ServiceAccount holding exactly
// src/rbac.ts's rules cluster-wide; and a CloneSet controller as a child process (apps never import apps).
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Manager, clusterRole, type WriteRecord } from "@kruise/sdk";
import { kubectl, type TestEnvInfo } from "@kruise/testenv/vitest";
import { addSidecarSetController } from "../../src/controller.ts";
import { rbacRules } from "../../src/rbac.ts";

export async function serviceAccountKubeconfig(info: TestEnvInfo, namespace: string): Promise<string> {
  const role = clusterRole(`kruise-sidecarset-test-${namespace}`, rbacRules);
  const objects = [
    role,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "sidecarset-controller", namespace } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: role.metadata.name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: "sidecarset-controller", namespace }],
    },
  ];
  const applied = await kubectl(["apply", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });
  if (applied.code !== 0) throw new Error(`could not set up the controller's RBAC: ${applied.stderr}`);
  const token = await kubectl(["create", "token", "sidecarset-controller", "-n", namespace, "--duration=3h"]);
  if (token.code !== 0) throw new Error(`could not get a token: ${token.stderr}`);
  const path = join(tmpdir(), `sidecarset-controller-${namespace}.kubeconfig`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: "t",
          cluster: {
            server: info.server,
            "certificate-authority-data": Buffer.from(info.caData).toString("base64"),
          },
        },
      ],
      users: [{ name: "u", user: { token: token.stdout.trim() } }],
      contexts: [{ name: "c", context: { cluster: "t", user: "u" } }],
      "current-context": "c",
    }),
    { mode: 0o600 },
  );
  return path;
}

export interface RunningController {
  writes: WriteRecord[];
  stop(): Promise<void>;
}

export async function startSidecarSetController(
  kubeconfig: string,
  namespace: string,
): Promise<RunningController> {
  const writes: WriteRecord[] = [];
  const mgr = await Manager.create({
    name: "sidecarset-controller",
    kubeconfig,
    qps: 200,
    burst: 400,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: process.env.SIDECARSET_TEST_LOG ?? "warn" }),
    onWrite: (w) => writes.push(w),
  });
  addSidecarSetController(mgr, { namespace, webhookAddress: { url: {} } });
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

export function startCloneSetController(kubeconfigPath: string, namespace: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      "--conditions=@kruise/source",
      join(import.meta.dirname, "../../../cloneset/src/main.ts"),
      `--kubeconfig=${kubeconfigPath}`,
      `--namespace=${namespace}`,
      "--metrics-bind-address=0",
      "--health-probe-bind-address=0",
      "--leader-elect=false",
      "--log-level=warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}
