// The chaos watcher's second eye: a plain-HTTP proxy on 127.0.0.1 between the controllers and the API server. It
// forwards every request unchanged (the controller's own token included) and records each pod DELETE the API server
// accepted, with the UID it answered for. A list cannot see a second DELETE of a pod that is already terminating
// (the API server leaves the object as it was); the proxy sees every request.
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";

/** One pod DELETE the API server accepted. */
export interface PodDelete {
  readonly namespace: string;
  readonly name: string;
  /** The UID of the pod the API server marked or removed (from its answer). */
  readonly uid: string;
  /** Who sent it: the user of the kubeconfig the proxy handed out. */
  readonly by: string;
}

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/?]+)(?:\?.*)?$/;

/**
 * Where each controller's requests go through. Start it, hand each controller `kubeconfigVia()`, and read the
 * deletes with `drain()`.
 */
export class ApiRecorder {
  private readonly server: Server;
  private readonly target: URL;
  private readonly ca: string;
  private pending: PodDelete[] = [];

  constructor(apiServer: string, caData: string) {
    this.target = new URL(apiServer);
    this.ca = caData;
    this.server = createServer((req, res) => this.forward(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The pod DELETEs recorded since the last call. */
  drain(): PodDelete[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** A copy of `kubeconfigPath` (YAML as testenv renders it) that reaches the API server through this proxy. */
  async kubeconfigVia(kubeconfigPath: string, by: string): Promise<string> {
    const text = await readFile(kubeconfigPath, "utf8");
    const rewritten = text
      .split("\n")
      .filter((line) => !line.trim().startsWith("certificate-authority-data:"))
      .map((line) => line.replace(/^(\s*server:\s*).*$/, `$1${this.url}`))
      .join("\n");
    const path = `${kubeconfigPath}.via-recorder-${by}`;
    await writeFile(path, rewritten, { mode: 0o600 });
    return path;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const match = req.method === "DELETE" ? POD_PATH.exec(req.url ?? "") : null;
    const upstream = httpsRequest(
      {
        hostname: this.target.hostname,
        port: this.target.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: this.target.host },
        ca: this.ca,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (match === null) {
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => {
          chunks.push(c);
          res.write(c);
        });
        answer.on("end", () => {
          res.end();
          const code = answer.statusCode ?? 0;
          if (code < 200 || code >= 300) return;
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
              kind?: string;
              metadata?: { uid?: string };
              details?: { uid?: string };
            };
            const uid = body.kind === "Status" ? body.details?.uid : body.metadata?.uid;
            this.pending.push({
              namespace: decodeURIComponent(match[1] ?? ""),
              name: decodeURIComponent(match[2] ?? ""),
              uid: uid ?? "",
              by: req.headers["user-agent"] ?? "",
            });
          } catch {
            // Not JSON (a protobuf answer): nothing to record.
          }
        });
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // The controller hung up (a watch it stopped, a SIGKILL): stop the upstream request too.
    res.on("close", () => {
      if (!res.writableEnded) upstream.destroy();
    });
    req.pipe(upstream);
  }
}
