import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectl } from "@kruise/testenv/vitest";
import type { TestEnvInfo } from "@kruise/testenv/vitest";
import type { KubectlResult } from "@kruise/testenv";
import { cloneSetControllerClusterRole } from "../../src/rbac.ts";

type Kubectl = (args: string[], opts?: { input?: string }) => Promise<KubectlResult>;

/**
 * A kubeconfig for a ServiceAccount that holds exactly the controller's RBAC rules (src/rbac.ts), bound in one
 * namespace: the e2e tests run the controller as this identity, so a missing rule fails a test. The shared control
 * plane by default; a test's private one (real nodes) passes itself and its kubectl.
 */
export async function controllerKubeconfig(
  info: Pick<TestEnvInfo, "server" | "caData">,
  namespace: string,
  run: Kubectl = kubectl,
): Promise<string> {
  const role = cloneSetControllerClusterRole(`kruise-cloneset-controller-${namespace}`);
  // Cluster-scoped kinds (Nodes) cannot be granted by a RoleBinding: their rules are bound cluster-wide.
  const clusterScoped = {
    ...role,
    metadata: { ...role.metadata, name: `${role.metadata.name}-cluster` },
    rules: (role.rules ?? []).filter((r) => r.resources?.includes("nodes") === true),
  };
  const objects = [
    role,
    clusterScoped,
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: clusterScoped.metadata.name },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: clusterScoped.metadata.name,
      },
      subjects: [{ kind: "ServiceAccount", name: "cloneset-controller", namespace }],
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "cloneset-controller", namespace } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "cloneset-controller", namespace },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: "cloneset-controller", namespace }],
    },
  ];
  const applied = await run(["apply", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });
  if (applied.code !== 0) throw new Error(`could not set up the controller's RBAC: ${applied.stderr}`);
  const token = await run(["create", "token", "cloneset-controller", "-n", namespace, "--duration=3h"]);
  if (token.code !== 0) throw new Error(`could not get a token for the controller: ${token.stderr}`);
  const path = join(tmpdir(), `cloneset-controller-${namespace}.kubeconfig`);
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
    users: [{ name: "cloneset-controller", user: { token: token.stdout.trim() } }],
    contexts: [
      { name: "controller", context: { cluster: "testenv", user: "cloneset-controller", namespace } },
    ],
    "current-context": "controller",
  };
  writeFileSync(path, JSON.stringify(kubeconfig), { mode: 0o600 });
  return path;
}
