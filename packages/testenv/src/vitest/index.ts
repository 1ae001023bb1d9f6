import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { messageOf } from "../errors.ts";
import { KubeHttpClient } from "../kube/http-client.ts";
import { runKubectl } from "../kubectl.ts";
import type { KubectlResult } from "../types.ts";
import { TEST_ENV_KEY, type TestEnvInfo } from "./test-env-info.ts";

export type { TestEnvInfo } from "./test-env-info.ts";
export { waitFor } from "./wait-for.ts";

/** The shared control plane of this vitest run. Throws a clear error when it was not started. */
export function getTestEnv(): TestEnvInfo {
  const info = inject(TEST_ENV_KEY);
  if (info === null || info === undefined) {
    throw new Error(
      "testenv: no control plane in this vitest run " +
        (process.env.KRUISE_TESTENV === "off"
          ? "(KRUISE_TESTENV=off). Run this test without KRUISE_TESTENV=off."
          : "(the globalSetup ./packages/testenv/src/vitest/global-setup.ts is not configured). Run tests from the repository root with `npm test`."),
    );
  }
  return info;
}

let client: KubeHttpClient | undefined;
const namespacesOfThisFile: string[] = [];

/** A client for the shared control plane, as admin. */
function adminClient(): KubeHttpClient {
  const info = getTestEnv();
  client ??= new KubeHttpClient({ server: info.server, caData: info.caData, token: info.adminToken }, 8);
  return client;
}

/**
 * Creates a namespace with a unique name for this test file; it is deleted after the file's tests
 * (the delete is sent, its completion is not awaited).
 */
export async function createTestNamespace(prefix = "test"): Promise<string> {
  const base =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 50) || "test";
  const name = `${base}-${randomBytes(4).toString("hex")}`;
  await adminClient().create("/api/v1/namespaces", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "testenv.kruise.io/test-namespace": "true" } },
  });
  namespacesOfThisFile.push(name);
  return name;
}

// Registered when a test file imports this module, which vitest does while collecting that file, so
// the hook belongs to the file and runs after all its tests.
afterAll(async () => {
  const names = namespacesOfThisFile.splice(0);
  if (names.length === 0 || client === undefined) return;
  const deleting = client;
  await Promise.all(
    names.map(async (name) => {
      try {
        await deleting.delete(`/api/v1/namespaces/${name}`, {
          apiVersion: "v1",
          kind: "DeleteOptions",
          propagationPolicy: "Background",
        });
      } catch (error) {
        process.stderr.write(`[testenv] could not delete namespace ${name}: ${messageOf(error)}\n`);
      }
    }),
  );
});

/** Runs the control plane's kubectl as admin (or with `token`); resolves with the exit code, never rejects on it. */
export async function kubectl(
  args: string[],
  opts?: { input?: string; token?: string },
): Promise<KubectlResult> {
  const info = getTestEnv();
  return runKubectl(info.binDir, info.kubeconfigPath, args, opts);
}
