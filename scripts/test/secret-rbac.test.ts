// Secrets RBAC of the ImagePullJob controller and of kruise-daemon, as their rbac.ts declare it (loaded as the chart
// generator and `npm start` load it), enforced by the real API server: each runs as a ServiceAccount bound to
// exactly those rules, and a Secret write outside kruise-daemon-config is refused with 403.
import { join, resolve } from "node:path";
import type { Secret } from "kubernetes-types/core/v1.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import {
  ApiError,
  clusterRole,
  createClient,
  type HttpClient,
  namespacedRole,
  type NamespacedRules,
  NamespaceKind,
  SecretKind,
} from "@kruise/sdk";
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { createTestNamespace, getTestEnv, kubectl } from "@kruise/testenv/vitest";
import { loadAppRbac } from "../charts/rbac-rules.ts";

const root = resolve(import.meta.dirname, "../..");
const rbacOf = (app: string) => loadAppRbac(join(root, "apps", app, "src/rbac.ts"), root);

const testenv = process.env.KRUISE_TESTENV !== "off";

/** Grants `rules` cluster-wide and `namespaced` in their namespaces to a new ServiceAccount; a client as it. */
async function clientAs(
  account: string,
  namespace: string,
  rules: readonly PolicyRule[],
  namespaced: readonly NamespacedRules[],
): Promise<HttpClient> {
  const name = `${account}-${namespace}`;
  const subjects = [{ kind: "ServiceAccount", name: account, namespace }];
  const roleRef = (kind: string) => ({ apiGroup: "rbac.authorization.k8s.io", kind, name });
  const objects = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: account, namespace } },
    clusterRole(name, rules),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: roleRef("ClusterRole"),
      subjects,
    },
    ...namespaced.flatMap((scoped) => [
      namespacedRole(name, scoped),
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name, namespace: scoped.namespace },
        roleRef: roleRef("Role"),
        subjects,
      },
    ]),
  ];
  const applied = await kubectl(["apply", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });
  if (applied.code !== 0) throw new Error(`could not set up ${account}'s RBAC: ${applied.stderr}`);
  const token = await kubectl(["create", "token", account, "-n", namespace, "--duration=1h"]);
  if (token.code !== 0) throw new Error(`could not get a token: ${token.stderr}`);
  const { server, caData } = getTestEnv();
  return createClient({
    server,
    ca: caData,
    authorization: () => Promise.resolve(`Bearer ${token.stdout.trim()}`),
  });
}

const secret = (namespace: string, name: string): Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace },
  type: "Opaque",
  data: { k: Buffer.from("v").toString("base64") },
});

/** The status code a rejected call answers with (or 0 when it succeeded). */
async function statusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 0;
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
}

describe.skipIf(!testenv)("RBAC of the ImagePullJob controller and kruise-daemon", () => {
  let ns: string;
  let controller: HttpClient;
  let agent: HttpClient;
  const admin = () =>
    createClient({
      server: getTestEnv().server,
      ca: getTestEnv().caData,
      authorization: () => Promise.resolve(`Bearer ${getTestEnv().adminToken}`),
    });

  beforeAll(async () => {
    ns = await createTestNamespace("ipj-rbac");
    const client = admin();
    // The namespace is shared by every test on this plane: made if missing, never deleted.
    await client
      .create(NamespaceKind, { metadata: { name: KRUISE_DAEMON_CONFIG_NAMESPACE } })
      .catch(() => undefined);
    await client.create(SecretKind, secret(ns, "source"));
    await client.close();
    const imagepulljob = await rbacOf("imagepulljob");
    const daemon = await rbacOf("kruise-daemon");
    controller = await clientAs("imagepulljob-controller", ns, imagepulljob.rules, imagepulljob.namespaced);
    agent = await clientAs("kruise-daemon", ns, daemon.rules, daemon.namespaced);
  });
  afterAll(async () => {
    await controller?.close();
    await agent?.close();
    const names = ["imagepulljob-controller", "kruise-daemon"].map((account) => `${account}-${ns}`);
    await kubectl(["delete", "clusterrole,clusterrolebinding", ...names, "--ignore-not-found"]);
    await kubectl([
      "delete",
      "role,rolebinding",
      ...names,
      "-n",
      KRUISE_DAEMON_CONFIG_NAMESPACE,
      "--ignore-not-found",
    ]);
  });

  it("lets the controller read a job's Secret anywhere, but write Secrets only in kruise-daemon-config (403 elsewhere)", async () => {
    const source = await controller.get(SecretKind, "source", ns);
    expect(source.data).toEqual({ k: Buffer.from("v").toString("base64") });
    // Reads are by name: listing a namespace's Secrets is not granted outside kruise-daemon-config.
    expect(await statusOf(controller.list(SecretKind, { namespace: ns }))).toBe(403);
    expect(await statusOf(controller.create(SecretKind, secret(ns, "written")))).toBe(403);
    expect(await statusOf(controller.update(SecretKind, { ...source, data: {} }))).toBe(403);
    expect(await statusOf(controller.delete(SecretKind, "source", ns))).toBe(403);

    const copy = await controller.create(SecretKind, {
      ...secret(KRUISE_DAEMON_CONFIG_NAMESPACE, ""),
      metadata: { generateName: "source-", namespace: KRUISE_DAEMON_CONFIG_NAMESPACE },
    });
    const name = copy.metadata?.name ?? "";
    expect(
      (await controller.list(SecretKind, { namespace: KRUISE_DAEMON_CONFIG_NAMESPACE })).items.map(
        (s) => s.metadata?.name,
      ),
    ).toContain(name);
    await controller.update(SecretKind, { ...copy, metadata: { ...copy.metadata, annotations: { a: "b" } } });
    // The agent reads the copy there, and nothing anywhere else.
    expect((await agent.get(SecretKind, name, KRUISE_DAEMON_CONFIG_NAMESPACE)).metadata?.name).toBe(name);
    expect(await statusOf(agent.get(SecretKind, "source", ns))).toBe(403);
    expect(await statusOf(agent.list(SecretKind, { namespace: ns }))).toBe(403);
    expect(await statusOf(agent.create(SecretKind, secret(KRUISE_DAEMON_CONFIG_NAMESPACE, "by-agent")))).toBe(
      403,
    );
    await controller.delete(SecretKind, name, KRUISE_DAEMON_CONFIG_NAMESPACE);
  });
});
