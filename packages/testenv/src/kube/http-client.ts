import { Agent, request } from "undici";
import { KubeApiError } from "./api-error.ts";

export interface KubeConnection {
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM bundle that signs the serving certificate; undefined only for readiness probes before it exists. */
  caData: string | undefined;
  token: string;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Defaults to application/json; patches name their flavour. */
  contentType?: string;
  timeoutMs?: number;
}

/** A watch event as the API server streams it, one JSON object per line. */
export interface WatchEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: T;
}

export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
export const APPLY_PATCH = "application/apply-patch+yaml";

/**
 * Just enough of a Kubernetes client for testenv: JSON requests and line-delimited watches over one
 * keep-alive connection pool. testenv cannot use @kruise/sdk (the SDK is tested with testenv).
 */
export class KubeHttpClient {
  readonly connection: KubeConnection;
  readonly #agent: Agent;

  constructor(connection: KubeConnection, maxConnections = 32) {
    this.connection = connection;
    this.#agent = new Agent({
      connections: maxConnections,
      keepAliveTimeout: 30_000,
      connect:
        connection.caData === undefined
          ? { rejectUnauthorized: false }
          : { ca: connection.caData, rejectUnauthorized: true },
    });
  }

  async get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  async create<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  async patch<T>(path: string, body: unknown, contentType: string, query?: Query): Promise<T> {
    return this.request<T>("PATCH", path, { body, contentType, query });
  }

  async delete<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("DELETE", path, { body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { statusCode, text } = await this.raw(method, path, options);
    if (statusCode < 200 || statusCode >= 300)
      throw KubeApiError.fromResponse(statusCode, text, method, path);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /** The status code and body text, whatever the status. */
  async raw(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<{ statusCode: number; text: string }> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.connection.token}`,
      accept: "application/json",
    };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] = options.contentType ?? "application/json";
    }
    const timeout = options.timeoutMs ?? 30_000;
    const response = await request(this.url(path, options.query), {
      method,
      headers,
      body,
      dispatcher: this.#agent,
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    return { statusCode: response.statusCode, text: await response.body.text() };
  }

  /**
   * Streams watch events to `onEvent` until the server ends the watch, `signal` aborts, or the
   * connection fails (which rejects). Events are handed over in order, one at a time.
   */
  async watch<T>(
    path: string,
    query: Query,
    onEvent: (event: WatchEvent<T>) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await request(this.url(path, { ...query, watch: true }), {
      method: "GET",
      headers: { authorization: `Bearer ${this.connection.token}`, accept: "application/json" },
      dispatcher: this.#agent,
      signal,
      headersTimeout: 30_000,
      bodyTimeout: 0,
    });
    if (response.statusCode !== 200) {
      throw KubeApiError.fromResponse(response.statusCode, await response.body.text(), "WATCH", path);
    }
    let pending = "";
    response.body.setEncoding("utf8");
    for await (const chunk of response.body as AsyncIterable<string>) {
      pending += chunk;
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (line !== "") onEvent(JSON.parse(line) as WatchEvent<T>);
        newline = pending.indexOf("\n");
      }
    }
  }

  url(path: string, query?: Query): string {
    const url = new URL(path, this.connection.server);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}
