import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";

export interface NatsPorts {
  client: number;
  monitor: number;
}

/**
 * nats-server with JetStream; the store dir lives in workDir so a restart keeps streams and dedup state. Clients
 * must authenticate (`authorization`: no anonymous user), and the client and monitor ports listen on 127.0.0.1 only.
 */
export function natsSpec(
  binDir: string,
  workDir: string,
  ports: NatsPorts,
  authorization: object,
): ProcessSpec {
  const configPath = join(workDir, "nats-server.conf");
  // nats-server reads JSON as its configuration format.
  const config = {
    listen: `127.0.0.1:${ports.client}`,
    http: `127.0.0.1:${ports.monitor}`,
    jetstream: { store_dir: join(workDir, "nats-store") },
    authorization,
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  return {
    name: "nats-server",
    binary: join(binDir, "nats-server"),
    logPath: join(workDir, "nats-server.log"),
    args: ["-c", configPath],
  };
}

/** JetStream-aware health endpoint of the monitoring port. */
export function natsReadiness(ports: NatsPorts): ReadinessCheck {
  return {
    timeoutMs: 30_000,
    probe: async () => {
      const response = await request(`http://127.0.0.1:${ports.monitor}/healthz?js-enabled-only=true`, {
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      await response.body.text();
      return response.statusCode === 200;
    },
  };
}
