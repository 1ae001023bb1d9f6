/** What the globalSetup hands to every test worker (plain data: it crosses process boundaries). */
export interface TestEnvInfo {
  server: string;
  caData: string;
  adminToken: string;
  kubeconfigPath: string;
  natsUrl: string | undefined;
  binDir: string;
  /** host:port of the local image registry, or undefined when the plane runs without one. */
  registryAddress: string | undefined;
}

/** The key under which globalSetup provides TestEnvInfo (null when KRUISE_TESTENV=off). */
export const TEST_ENV_KEY = "kruiseTestEnv";

declare module "vitest" {
  export interface ProvidedContext {
    kruiseTestEnv: TestEnvInfo | null;
  }
}
