import { Agent } from "undici";
import type { Dispatcher } from "undici";
import type { Registry } from "prom-client";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import type { Kind } from "../kind.ts";
import { defaultRegistry } from "../metrics/registry.ts";
import type { RestConfig } from "./config.ts";
import { LeadershipLostError, TooManyRequestsError, apiErrorFrom } from "./errors.ts";
import { listPath, resourcePath, withQuery } from "./paths.ts";
import { ListSplitter } from "./list-splitter.ts";
import type { RestMetrics } from "./rest-metrics.ts";
import { restMetrics } from "./rest-metrics.ts";
import { fieldManagerFor } from "./service-account.ts";
import { TokenBucket } from "./token-bucket.ts";
import type {
  Client,
  DeleteOptions,
  KubeObject,
  ListOptions,
  ListResult,
  PatchArguments,
  PatchOptions,
  PatchType,
  WatchEvent,
  WriteOptions,
} from "./types.ts";

/** One API write, as reported to ClientOptions.onWrite. Tests and benches count writes per controller with it. */
export interface WriteRecord {
  /** The controller whose client view made the write, or undefined for the manager's own client. */
  controller: string | undefined;
  verb: "create" | "update" | "patch" | "delete";
  kind: string;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
  /** HTTP status, 0 when the request never got an answer. */
  code: number;
}

export interface ClientOptions {
  /** QPS of the process-wide token bucket. Default 20 (client-go). Infinity disables it. */
  qps?: number;
  /** Burst of the token bucket. Default 30. */
  burst?: number;
  /** User-Agent, `<controller>/<version>` by convention. Default `kruise-sdk/0.1.0`. */
  userAgent?: string;
  /**
   * Field manager for server-side apply when a patch call names none. Default: the user agent's name part. (Other
   * writes name the config's `user` when it is known, else leave it to the API server: the user agent's name part.)
   */
  fieldManager?: string;
  /** Where the rest_client_* metrics go. */
  registry?: Registry;
  clock?: Clock;
  /** Called after every write (including failed ones). Must not throw. */
  onWrite?: (write: WriteRecord) => void;
  /** Retries of a 429 answer before giving up. Default 5. */
  maxTooManyRequestsRetries?: number;
}

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
  strategic: "application/strategic-merge-patch+json",
};

/** State shared by a client and every view made from it: one connection pool, one rate limiter, one gate. */
class Transport {
  readonly agent: Agent;
  readonly limiter: TokenBucket;
  readonly metrics: RestMetrics;
  readonly host: string;
  readonly clock: Clock;
  writeGate: (() => boolean) | undefined;
  writeHooks: Array<(write: WriteRecord) => void> = [];
  readonly maxRetries: number;
  readonly config: RestConfig;
  /** Field manager of every write but server-side apply: who we are (RestConfig.user), when known. */
  readonly identityFieldManager: string | undefined;
  closed = false;

  constructor(config: RestConfig, options: ClientOptions) {
    this.config = config;
    this.identityFieldManager = config.user ? fieldManagerFor(config.user) : undefined;
    this.clock = options.clock ?? realClock;
    this.limiter = new TokenBucket(options.qps ?? 20, options.burst ?? 30, this.clock);
    this.metrics = restMetrics(options.registry ?? defaultRegistry);
    this.host = new URL(config.server).host;
    this.maxRetries = options.maxTooManyRequestsRetries ?? 5;
    if (options.onWrite) this.writeHooks.push(options.onWrite);
    const connect: Record<string, unknown> = {};
    if (config.ca) connect.ca = config.ca;
    if (config.cert) connect.cert = config.cert;
    if (config.key) connect.key = config.key;
    if (config.insecure) connect.rejectUnauthorized = false;
    if (config.tlsServerName) connect.servername = config.tlsServerName;
    // HTTP/1.1 keep-alive, no pipelining: a watch holds its own connection, requests reuse idle ones.
    this.agent = new Agent({
      connect,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 120_000,
      pipelining: 1,
    });
  }
}

interface Scope {
  userAgent: string;
  controller: string | undefined;
  gated: boolean;
  fieldManager: string;
}

interface SendOptions {
  verb: string; // the Kubernetes verb, for metrics and errors
  method: Dispatcher.HttpMethod;
  path: string;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  write?: Omit<WriteRecord, "code" | "controller">;
}

/**
 * The Client over HTTP/1.1 (undici). Build one per process with `createClient`, then give each controller its own
 * view with `forController(name)`: views share connections, the rate limiter and the leadership gate, and carry
 * their own user agent and write attribution.
 */
export class HttpClient implements Client {
  private readonly transport: Transport;
  private readonly scope: Scope;

  /** Use createClient(); this constructor is for views. */
  constructor(transport: Transport, scope: Scope) {
    this.transport = transport;
    this.scope = scope;
  }

  /** The API server's base URL. */
  get server(): string {
    return this.transport.config.server;
  }

  /** The user agent this view sends. */
  get userAgent(): string {
    return this.scope.userAgent;
  }

  /** A view whose requests carry `<controller>/<version>` as user agent and whose writes are attributed to it. */
  forController(controller: string, version = "0.1.0"): HttpClient {
    const userAgent = `${controller}/${version}`;
    return new HttpClient(this.transport, { ...this.scope, userAgent, controller, fieldManager: controller });
  }

  /**
   * A view that ignores the write gate. Only the leader elector's Lease writes go through it: it must be able to
   * write in order to become the leader.
   */
  ungated(): HttpClient {
    return new HttpClient(this.transport, { ...this.scope, gated: false });
  }

  /**
   * Installs the leadership gate: while allowed() returns false, every write through a gated view rejects with
   * LeadershipLostError before reaching the network.
   */
  setWriteGate(allowed: (() => boolean) | undefined): void {
    this.transport.writeGate = allowed;
  }

  /** Adds a write observer; returns a function that removes it. */
  onWrite(hook: (write: WriteRecord) => void): () => void {
    this.transport.writeHooks.push(hook);
    return () => {
      this.transport.writeHooks = this.transport.writeHooks.filter((h) => h !== hook);
    };
  }

  /** Closes pooled connections. In-flight watches end. */
  async close(): Promise<void> {
    if (this.transport.closed) return;
    this.transport.closed = true;
    await this.transport.agent.destroy();
  }

  async get<T>(kind: Kind<T>, name: string, namespace?: string): Promise<T> {
    return (await this.send({ verb: "get", method: "GET", path: resourcePath(kind, namespace, name) })) as T;
  }

  async list<T>(kind: Kind<T>, options: ListOptions = {}): Promise<ListResult<T>> {
    const path = listPath(kind, options);
    const body = (await this.send({ verb: "list", method: "GET", path })) as {
      items?: T[];
      metadata?: { resourceVersion?: string; continue?: string };
    };
    return { items: body.items ?? [], ...listPosition(body.metadata) };
  }

  /**
   * One list page, handing each item to onItem as soon as its bytes have arrived, parsed on its own: the page is
   * never held whole (as text or as an array), which keeps a large initial list's garbage small.
   */
  async listEach<T>(
    kind: Kind<T>,
    options: ListOptions,
    onItem: (item: T) => void,
  ): Promise<Omit<ListResult<T>, "items">> {
    const path = listPath(kind, options);
    const response = await this.dispatch({ verb: "list", method: "GET", path }, false);
    const splitter = new ListSplitter((json) => onItem(JSON.parse(json) as T));
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) splitter.write(chunk);
    } finally {
      if (!response.body.destroyed) response.body.destroy();
    }
    const envelope = splitter.end() as { metadata?: { resourceVersion?: string; continue?: string } };
    return listPosition(envelope.metadata);
  }

  async create<T>(kind: Kind<T>, obj: T, options: WriteOptions = {}): Promise<T> {
    const meta = metaOf(obj);
    const path = withQuery(resourcePath(kind, meta.namespace), this.writeQuery(options));
    return (await this.send({
      verb: "create",
      method: "POST",
      path,
      body: withTypeMeta(kind, obj),
      write: {
        verb: "create",
        kind: kind.kind,
        namespace: meta.namespace,
        name: meta.name,
        subresource: undefined,
      },
    })) as T;
  }

  async update<T>(kind: Kind<T>, obj: T, options: WriteOptions = {}): Promise<T> {
    return this.put(kind, obj, options, undefined);
  }

  async updateStatus<T>(kind: Kind<T>, obj: T, options: WriteOptions = {}): Promise<T> {
    return this.put(kind, obj, options, "status");
  }

  async patch<T>(...args: PatchArguments<T>): Promise<T> {
    return this.patchAt(undefined, ...args);
  }

  async patchStatus<T>(...args: PatchArguments<T>): Promise<T> {
    return this.patchAt("status", ...args);
  }

  async patchSubresource<T>(subresource: string, ...args: PatchArguments<T>): Promise<T> {
    return this.patchAt(subresource, ...args);
  }

  async delete(kind: Kind, name: string, namespace?: string, options: DeleteOptions = {}): Promise<void> {
    const body =
      options.gracePeriodSeconds !== undefined || options.propagationPolicy || options.preconditions
        ? { apiVersion: "v1", kind: "DeleteOptions", ...options }
        : undefined;
    await this.send({
      verb: "delete",
      method: "DELETE",
      path: resourcePath(kind, namespace, name),
      body,
      write: { verb: "delete", kind: kind.kind, namespace, name, subresource: undefined },
    });
  }

  async *watch<T>(
    kind: Kind<T>,
    options: ListOptions & { allowWatchBookmarks?: boolean; timeoutSeconds?: number; signal?: AbortSignal },
  ): AsyncIterable<WatchEvent<T>> {
    const path = withQuery(resourcePath(kind, options.namespace), {
      watch: "true",
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? "true" : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    const response = await this.dispatch(
      { verb: "watch", method: "GET", path, ...(options.signal ? { signal: options.signal } : {}) },
      true,
    );
    const decoder = new TextDecoder();
    let buffered = "";
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline = buffered.indexOf("\n");
        while (newline >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (line.trim() !== "") yield JSON.parse(line) as WatchEvent<T>;
          newline = buffered.indexOf("\n");
        }
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    } finally {
      if (!response.body.destroyed) response.body.destroy();
    }
  }

  /** Sends a request and returns the parsed JSON body (undefined for an empty one). */
  private async send(options: SendOptions): Promise<unknown> {
    const response = await this.dispatch(options, false);
    const text = await response.body.text();
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }

  /** Rate limits, gates, sends, records metrics, retries 429s, and turns failures into typed errors. */
  private async dispatch(options: SendOptions, streaming: boolean): Promise<Dispatcher.ResponseData> {
    const t = this.transport;
    const gated = options.write !== undefined && this.scope.gated;
    if (gated && t.writeGate && !t.writeGate()) throw new LeadershipLostError(options.verb, options.path);
    for (let attempt = 0; ; attempt++) {
      await t.limiter.wait(options.signal);
      const headers: Record<string, string> = {
        accept: "application/json",
        "user-agent": this.scope.userAgent,
      };
      const authorization = await t.config.authorization?.();
      if (authorization) headers.authorization = authorization;
      // Again after every wait (token bucket, credentials, Retry-After): leadership may have been lost meanwhile.
      if (gated && t.writeGate && !t.writeGate()) throw new LeadershipLostError(options.verb, options.path);
      let body: string | undefined;
      if (options.body !== undefined) {
        headers["content-type"] = options.contentType ?? "application/json";
        body = JSON.stringify(options.body);
      }
      const started = performance.now();
      let response: Dispatcher.ResponseData;
      try {
        response = await t.agent.request({
          origin: t.config.server,
          path: options.path,
          method: options.method,
          headers,
          body: body ?? null,
          signal: options.signal ?? null,
          // A watch is quiet between events and bookmarks; the server's timeoutSeconds bounds it instead.
          bodyTimeout: streaming ? 0 : 60_000,
          headersTimeout: 60_000,
        });
      } catch (err) {
        t.metrics.requests.inc({ code: "<error>", method: options.method, host: t.host });
        this.recordWrite(options, 0);
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      t.metrics.requests.inc({ code: String(response.statusCode), method: options.method, host: t.host });
      t.metrics.duration.observe({ verb: options.verb.toUpperCase(), host: t.host }, seconds);
      if (response.statusCode >= 200 && response.statusCode < 300) {
        this.recordWrite(options, response.statusCode);
        return response;
      }
      const text = await response.body.text().catch(() => "");
      const error = apiErrorFrom(response.statusCode, text, options.verb, options.path);
      if (error instanceof TooManyRequestsError && attempt < t.maxRetries) {
        // The server did not process it; come back when it says, as client-go does.
        const header = response.headers["retry-after"];
        const seconds =
          Number(Array.isArray(header) ? header[0] : header) || error.details?.retryAfterSeconds || 1;
        await t.clock.sleep(Math.min(seconds, 30) * 1000, options.signal);
        continue;
      }
      this.recordWrite(options, response.statusCode);
      throw error;
    }
  }

  private recordWrite(options: SendOptions, code: number): void {
    if (!options.write) return;
    const record: WriteRecord = { ...options.write, controller: this.scope.controller, code };
    for (const hook of this.transport.writeHooks) {
      try {
        hook(record);
      } catch {
        // An observer must never break a write.
      }
    }
  }

  private async put<T>(
    kind: Kind<T>,
    obj: T,
    options: WriteOptions,
    subresource: string | undefined,
  ): Promise<T> {
    const meta = metaOf(obj);
    if (!meta.name) throw new Error(`${kind.kind}: update needs metadata.name`);
    const path = withQuery(
      resourcePath(kind, meta.namespace, meta.name, subresource),
      this.writeQuery(options),
    );
    return (await this.send({
      verb: "update",
      method: "PUT",
      path,
      body: withTypeMeta(kind, obj),
      write: { verb: "update", kind: kind.kind, namespace: meta.namespace, name: meta.name, subresource },
    })) as T;
  }

  /**
   * dryRun and fieldManager of a write. The field manager is the call's, else who we are when the config knows it
   * (in a cluster, the ServiceAccount: managedFields then name it), else none (the API server takes the user
   * agent's name part). Server-side apply overrides it with the view's manager (see patchAt).
   */
  private writeQuery(options: WriteOptions): Record<string, string | undefined> {
    return {
      dryRun: options.dryRun ? "All" : undefined,
      fieldManager: options.fieldManager ?? this.transport.identityFieldManager,
    };
  }

  private async patchAt<T>(
    subresource: string | undefined,
    kind: Kind<T>,
    name: string,
    namespace: string | undefined,
    type: PatchType,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    const contentType = PATCH_CONTENT_TYPES[type];
    if (!contentType)
      throw new Error(
        `patch type must be one of ${Object.keys(PATCH_CONTENT_TYPES).join(", ")}, got ${String(type)}`,
      );
    const query = this.writeQuery(options) as Record<string, string | boolean | undefined>;
    let body = patch;
    if (type === "apply") {
      query.fieldManager = options.fieldManager ?? this.scope.fieldManager;
      if (options.force) query.force = true;
      body = withTypeMeta(kind, patch);
    }
    const path = withQuery(resourcePath(kind, namespace, name, subresource), query);
    return (await this.send({
      verb: "patch",
      method: "PATCH",
      path,
      body,
      contentType,
      write: { verb: "patch", kind: kind.kind, namespace, name, subresource },
    })) as T;
  }
}

/** Builds the process's client: one connection pool and one token bucket (qps/burst) shared by all its views. */
export function createClient(config: RestConfig, options: ClientOptions = {}): HttpClient {
  const userAgent = options.userAgent ?? "kruise-sdk/0.1.0";
  const fieldManager = options.fieldManager ?? userAgent.split("/")[0] ?? "kruise-sdk";
  return new HttpClient(new Transport(config, options), {
    userAgent,
    controller: undefined,
    gated: true,
    fieldManager,
  });
}

function metaOf(obj: unknown): { name: string | undefined; namespace: string | undefined } {
  const meta = (obj as KubeObject | undefined)?.metadata;
  return { name: meta?.name, namespace: meta?.namespace ?? undefined };
}

function withTypeMeta(kind: Kind, obj: unknown): unknown {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return obj;
  const apiVersion = kind.group === "" ? kind.version : `${kind.group}/${kind.version}`;
  const o = obj as KubeObject;
  if (o.apiVersion && o.kind) return obj;
  return { apiVersion, kind: kind.kind, ...o };
}

/** Where a list page leaves off: its resourceVersion, and the continue token when there are more pages. */
function listPosition(
  metadata: { resourceVersion?: string; continue?: string } | undefined,
): Omit<ListResult<unknown>, "items"> {
  return {
    resourceVersion: metadata?.resourceVersion ?? "",
    ...(metadata?.continue ? { continue: metadata.continue } : {}),
  };
}
