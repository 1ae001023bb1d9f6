// The client for the leader, recorder and eventbus tests: the SDK's own HttpClient with a bearer token.
// (A fetch-based stand-in lived here until src/client exported createClient.)
import type { Client } from "../../src/client/index.ts";
import { createClient } from "../../src/client/index.ts";

export interface TestClientConfig {
  server: string;
  token: string;
  ca: string;
}

export function createTestClient(config: TestClientConfig): Client {
  return createClient(
    { server: config.server, ca: config.ca, authorization: () => Promise.resolve(`Bearer ${config.token}`) },
    { qps: Infinity, userAgent: "comms-test/0.1.0" },
  );
}
