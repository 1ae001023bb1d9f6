import type { TestProject } from "vitest/node";
import { startControlPlane } from "../control-plane.ts";
import { TEST_ENV_KEY, type TestEnvInfo } from "./test-env-info.ts";

/**
 * One control plane (3 simulated nodes) for the whole vitest run; every test file reaches it through
 * getTestEnv(). KRUISE_TESTENV=off skips it for pure unit-test runs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.KRUISE_TESTENV === "off") {
    project.provide(TEST_ENV_KEY, null);
    return async () => {};
  }
  const plane = await startControlPlane({
    nodes: 3,
    log: (line) => process.stderr.write(`[testenv] ${line}\n`),
  });
  const info: TestEnvInfo = {
    server: plane.server,
    caData: plane.caData,
    adminToken: plane.adminToken,
    kubeconfigPath: plane.kubeconfigPath,
    natsUrl: plane.natsUrl,
    binDir: plane.binDir,
    registryAddress: plane.registry?.address,
  };
  project.provide(TEST_ENV_KEY, info);
  return async () => {
    await plane.stop();
  };
}
