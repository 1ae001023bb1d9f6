import { join } from "node:path";
import { request } from "undici";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";

export interface NatsPorts {
  client: number;
  monitor: number;
}

/** nats-server with JetStream; the store dir lives in workDir so a restart keeps streams and dedup state. */
export function natsSpec(binDir: string, workDir: string, ports: NatsPorts): ProcessSpec {
  return {
    name: "nats-server",
    binary: join(binDir, "nats-server"),
    logPath: join(workDir, "nats-server.log"),
    args: [
      "-js",
      "-sd",
      join(workDir, "nats-store"),
      "-a",
      "127.0.0.1",
      "-p",
      String(ports.client),
      "-m",
      String(ports.monitor),
    ],
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
