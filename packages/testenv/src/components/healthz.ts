import { Agent, request } from "undici";
import type { ReadinessCheck } from "../process/managed-process.ts";

const insecure = new Agent({ connect: { rejectUnauthorized: false }, connections: 1 });

/** /healthz on a component's own self-signed HTTPS port (always allowed without authorization). */
export function healthzReadiness(port: number, timeoutMs = 60_000): ReadinessCheck {
  return {
    timeoutMs,
    intervalMs: 250,
    probe: async () => {
      const response = await request(`https://127.0.0.1:${port}/healthz`, {
        dispatcher: insecure,
        headersTimeout: 2_000,
        bodyTimeout: 2_000,
      });
      await response.body.text();
      return response.statusCode === 200;
    },
  };
}

/** A plain-HTTP endpoint that answers 200 once the process serves (kubelet /healthz, kube-proxy /metrics, registry /v2/). */
export function httpOkReadiness(url: string, timeoutMs = 60_000, intervalMs = 250): ReadinessCheck {
  return {
    timeoutMs,
    intervalMs,
    probe: async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200,
  };
}
