import { createServer } from "node:http";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A named check for /healthz or /readyz: return true (or resolve) when healthy, false or throw when not. */
export type Check = () => boolean | Promise<boolean>;

/** Where /metrics listens unless told otherwise: loopback, so metrics are never open to the network by default. */
export const DEFAULT_METRICS_BIND_ADDRESS = "127.0.0.1:8080";
/** Where /healthz and /readyz listen unless told otherwise (a pod's probes need ":8081", as the chart sets). */
export const DEFAULT_HEALTH_PROBE_BIND_ADDRESS = "127.0.0.1:8081";

/** Parses "host:port", ":port" or "port". "0" or "" disables the endpoint; port 0 picks a free one. */
export function parseBindAddress(address: string): { host: string; port: number } | undefined {
  if (address === "" || address === "0") return undefined;
  const colon = address.lastIndexOf(":");
  const host = colon >= 0 ? address.slice(0, colon) || "0.0.0.0" : "0.0.0.0";
  const port = Number(colon >= 0 ? address.slice(colon + 1) : address);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `bind address ${JSON.stringify(address)} must look like host:port, :port or 0 (disabled)`,
    );
  }
  return { host, port };
}

/** Runs named checks and answers 200 with "ok" when all pass, 500 listing the failures otherwise. */
async function runChecks(checks: Map<string, Check>): Promise<{ ok: boolean; body: string }> {
  const lines: string[] = [];
  let ok = true;
  for (const [name, check] of checks) {
    let passed = false;
    try {
      passed = await check();
    } catch {
      passed = false;
    }
    ok &&= passed;
    lines.push(`[${passed ? "+" : "-"}]${name} ${passed ? "ok" : "failed"}`);
  }
  return { ok, body: ok ? "ok\n" : `${lines.join("\n")}\nreadiness check failed\n` };
}

/** Serves the given routes on one listener. */
export interface Endpoint {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

export async function serveEndpoints(
  bind: { host: string; port: number },
  routes: Record<
    string,
    (req: IncomingMessage) => Promise<{ status: number; contentType: string; body: string }>
  >,
): Promise<Endpoint> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    const route = routes[path];
    if (!route) {
      res.writeHead(404).end("not found\n");
      return;
    }
    route(req).then(
      (r) => res.writeHead(r.status, { "content-type": r.contentType }).end(r.body),
      (err: unknown) => res.writeHead(500).end(`${String(err)}\n`),
    );
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(bind.port, bind.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** /healthz and /readyz handlers over check maps. */
export function checkRoute(
  checks: Map<string, Check>,
): () => Promise<{ status: number; contentType: string; body: string }> {
  return async () => {
    const r = await runChecks(checks);
    return { status: r.ok ? 200 : 500, contentType: "text/plain", body: r.body };
  };
}
