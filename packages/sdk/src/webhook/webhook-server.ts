// The HTTPS server the API server calls for admission and conversion: routes by path, keeps its certificate valid
// through a CertKeeper (hot-swapping the TLS context), publishes its webhook configurations only once it serves,
// and drains on shutdown.
import { createServer } from "node:https";
import type { Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Client } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { parseBindAddress } from "../manager/http-server.ts";
import type { AdmissionReview, MutatingHandler, MutatingResult, ValidatingHandler } from "./admission.ts";
import { toAdmissionResponse } from "./admission.ts";
import type { CertMaterial } from "./cert-keeper.ts";
import { CertKeeper } from "./cert-keeper.ts";
import type { ConversionHandler, ConversionReview } from "./conversion.ts";
import { convertReview } from "./conversion.ts";
import type {
  ClientConfigFor,
  MutatingWebhookSpec,
  ValidatingWebhookSpec,
  WebhookFlavour,
  WebhookSpecOf,
} from "./webhook-configuration.ts";
import { WebhookConfigurationPublisher } from "./webhook-configuration.ts";
import type { WebhookMetrics } from "./webhook-metrics.ts";
import { webhookMetrics } from "./webhook-metrics.ts";

/**
 * Where the API server reaches this server. `service`: in a cluster, through a Service in front of every replica.
 * `url`: a host (default 127.0.0.1) and the bound port, for a process on the API server's machine (tests, the
 * local main job). The certificate's subject alternative names follow from it.
 */
export type WebhookAddress =
  { service: { namespace: string; name: string; port?: number } } | { url: { host?: string } };

export interface WebhookServerOptions {
  /** Common name of the certificate and prefix of the Secret's default name. */
  name: string;
  /** Used for the Secret and the webhook configurations. Give it an ungated client: every replica serves. */
  client: Client;
  address: WebhookAddress;
  /** Where the CA and serving certificate live; name default `<name>-webhook-certs`. */
  secret: { namespace: string; name?: string };
  /** host:port to listen on. Default ":9443" with a Service address, "127.0.0.1:0" with a URL address. */
  bindAddress?: string;
  log: Logger;
  registry: Registry;
  clock?: Clock;
  /** Certificate lifetimes and renewal (see CertKeeperOptions): defaults 10 years, 1 year, renew at 1/3 left. */
  caValidityMs?: number;
  certValidityMs?: number;
  renewFraction?: number;
  /** Re-read the Secret at least this often. Default 60 s. */
  resyncMs?: number;
  /** Largest request body accepted. Default 8 MiB (the API server sends at most about 3 MiB objects). */
  maxBodyBytes?: number;
  /** How long in-flight requests get on stop(). Default 10 s. */
  drainTimeoutMs?: number;
}

type Route =
  | { type: "mutating"; handler: MutatingHandler<never> }
  | { type: "validating"; handler: ValidatingHandler<never> }
  | { type: "conversion"; handler: ConversionHandler };

/**
 * An AdmissionReview v1 and ConversionReview v1 server with a self-managed certificate.
 *
 * # Guarantees
 * - No webhook configuration is written before the server listens with a valid certificate, so the API server is
 *   never pointed at a dead endpoint by us.
 * - The certificate is renewed before it expires (default when a third of its lifetime is left) without a restart:
 *   the TLS context is swapped, open connections keep working. A new CA is published in every configuration's
 *   caBundle (beside the previous CA) before any certificate it signed is stored or served, so no admission fails
 *   because of a renewal.
 * - Several replicas share one Secret: they adopt whatever another replica wrote (resourceVersion-guarded writes).
 *   A deleted or damaged Secret is recreated within about a second (the keeper watches it).
 * - A handler that throws is answered with a denial (code 500); a malformed review with HTTP 400. The process
 *   never crashes on a request.
 * - stop() turns readiness false, stops accepting connections, waits for in-flight requests (drainTimeoutMs), and
 *   leaves the configurations in place (their failurePolicy decides what the API server does meanwhile).
 * - Metrics: controller_runtime_webhook_requests_total{webhook,code}, controller_runtime_webhook_latency_seconds
 *   {webhook} and controller_runtime_webhook_requests_in_flight{webhook}, `webhook` being the path.
 *
 * # Caveats
 * - The API server must be able to reach the address: with `url`, the API server's own network namespace.
 * - Between the bundle write and the API server noticing it there is a short window (its informer); a CA change
 *   therefore serves the old-CA certificate until the next sync when the bundle write fails.
 * - Conversion handlers are served, but writing the caBundle into a CRD's conversion config is left to the caller
 *   (`onCaBundle`).
 */
export class WebhookServer {
  private readonly routes = new Map<string, Route>();
  private readonly publishers: Array<
    WebhookConfigurationPublisher<MutatingWebhookSpec | ValidatingWebhookSpec>
  > = [];
  private readonly caListeners: Array<(caBundle: string) => void | Promise<void>> = [];
  private readonly keeper: CertKeeper;
  private readonly metrics: WebhookMetrics;
  private readonly log: Logger;
  private readonly bind: { host: string; port: number };
  private server: Server | undefined;
  private boundPort: number | undefined;
  private serving = false;
  private draining = false;
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private servedCert: string | undefined;
  private publishedBundle: string | undefined;

  private readonly options: WebhookServerOptions;

  constructor(options: WebhookServerOptions) {
    this.options = options;
    this.log = options.log.child({ component: "webhook-server" });
    this.metrics = webhookMetrics(options.registry);
    const defaultBind = "service" in options.address ? ":9443" : "127.0.0.1:0";
    const bind = parseBindAddress(options.bindAddress ?? defaultBind);
    if (!bind) throw new Error("webhook server: bindAddress cannot be disabled (0)");
    this.bind = bind;
    const { dnsNames, ipAddresses } = subjectNames(options.address);
    this.keeper = new CertKeeper(
      {
        client: options.client,
        secretNamespace: options.secret.namespace,
        secretName: options.secret.name ?? `${options.name}-webhook-certs`,
        commonName: options.name,
        dnsNames,
        ipAddresses,
        clock: options.clock ?? realClock,
        log: this.log,
        ...(options.caValidityMs ? { caValidityMs: options.caValidityMs } : {}),
        ...(options.certValidityMs ? { certValidityMs: options.certValidityMs } : {}),
        ...(options.renewFraction ? { renewFraction: options.renewFraction } : {}),
        ...(options.resyncMs ? { resyncMs: options.resyncMs } : {}),
      },
      {
        publishBundle: (bundle) => this.publishAll(bundle),
        serve: (material) => this.onMaterial(material),
      },
    );
  }

  /** Serves a mutating admission handler at `path`. */
  mutating<T>(path: string, handler: MutatingHandler<T>): this {
    return this.route(path, { type: "mutating", handler: handler });
  }

  /** Serves a validating admission handler at `path`. */
  validating<T>(path: string, handler: ValidatingHandler<T>): this {
    return this.route(path, { type: "validating", handler: handler });
  }

  /** Serves a CRD conversion handler at `path` (conventionally `/convert`). */
  conversion(path: string, handler: ConversionHandler): this {
    return this.route(path, { type: "conversion", handler });
  }

  /** A MutatingWebhookConfiguration this server keeps: declare its webhooks with `set()`. */
  mutatingConfiguration(
    name: string,
    labels?: Record<string, string>,
  ): WebhookConfigurationPublisher<MutatingWebhookSpec> {
    return this.keepConfiguration("mutating", name, labels);
  }

  /** A ValidatingWebhookConfiguration this server keeps. */
  validatingConfiguration(
    name: string,
    labels?: Record<string, string>,
  ): WebhookConfigurationPublisher<ValidatingWebhookSpec> {
    return this.keepConfiguration("validating", name, labels);
  }

  /** Called with every CA bundle the API server must trust (e.g. to write a CRD's conversion caBundle). */
  onCaBundle(listener: (caBundle: string) => void | Promise<void>): void {
    this.caListeners.push(listener);
  }

  /** The bound port, once started. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** The CA bundle now published (PEM). */
  get caBundle(): string | undefined {
    return this.keeper.current?.caBundle;
  }

  /** True while the server listens with a certificate and is not draining: the readiness check. */
  ready(): boolean {
    return this.serving && !this.draining;
  }

  /** Gets the certificates, listens, then publishes every configuration. */
  async start(): Promise<void> {
    const material = await this.keeper.start();
    const server = createServer(
      { cert: material.serving.certPem, key: material.serving.keyPem, minVersion: "TLSv1.2" },
      (req, res) => void this.handle(req, res),
    );
    server.keepAliveTimeout = 30_000;
    this.servedCert = material.serving.certPem;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.bind.port, this.bind.host, () => resolve());
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.serving = true;
    this.log.info({ port: this.boundPort, paths: [...this.routes.keys()] }, "webhook server serving");
    for (const p of this.publishers) p.activate();
    await this.publishAll(this.keeper.current!.caBundle);
  }

  /** Drains: readiness false, no new connections, in-flight requests finish (or the deadline passes). */
  async stop(): Promise<void> {
    this.draining = true;
    this.keeper.stop();
    for (const p of this.publishers) p.deactivate();
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    if (this.inFlight > 0) {
      await Promise.race([
        new Promise<void>((resolve) => (this.idle = resolve)),
        new Promise((r) => setTimeout(r, this.options.drainTimeoutMs ?? 10_000).unref?.()),
      ]);
    }
    server.closeAllConnections();
    await closed;
    this.serving = false;
    this.log.info("webhook server stopped");
  }

  private route(path: string, route: Route): this {
    if (!path.startsWith("/")) throw new Error(`webhook path ${JSON.stringify(path)} must start with /`);
    if (this.routes.has(path)) throw new Error(`webhook path ${path} is already registered`);
    this.routes.set(path, route);
    return this;
  }

  /** A configuration object of `flavour` that this server writes from now on (at once if already serving). */
  private keepConfiguration<F extends WebhookFlavour>(
    flavour: F,
    name: string,
    labels: Record<string, string> | undefined,
  ): WebhookConfigurationPublisher<WebhookSpecOf[F]> {
    const p = WebhookConfigurationPublisher.of(
      flavour,
      this.options.client,
      name,
      this.clientConfigFor,
      this.log,
      labels,
    );
    this.addPublisher(p);
    return p;
  }

  private addPublisher(p: WebhookConfigurationPublisher<MutatingWebhookSpec | ValidatingWebhookSpec>): void {
    this.publishers.push(p);
    if (this.serving) {
      p.activate();
      const bundle = this.keeper.current?.caBundle;
      if (bundle)
        void p
          .publish(bundle)
          .catch((err: unknown) => this.log.warn({ err }, "webhook configuration write failed"));
    }
  }

  private readonly clientConfigFor: ClientConfigFor = (path) => {
    const a = this.options.address;
    if ("service" in a) {
      return {
        service: { namespace: a.service.namespace, name: a.service.name, port: a.service.port ?? 443, path },
      };
    }
    const host = a.url.host ?? "127.0.0.1";
    const h = isIP(host) === 6 ? `[${host}]` : host;
    return { url: `https://${h}:${this.boundPort ?? this.bind.port}${path}` };
  };

  /** Writes every configuration (when serving) and tells the listeners. Before serving it only remembers. */
  private async publishAll(caBundle: string): Promise<void> {
    if (!this.serving) return;
    await Promise.all([
      ...this.publishers.map((p) => p.publish(caBundle)),
      ...this.caListeners.map(async (l) => l(caBundle)),
    ]);
    this.publishedBundle = caBundle;
  }

  private onMaterial(material: CertMaterial): void {
    if (this.server && material.serving.certPem !== this.servedCert) {
      this.server.setSecureContext({
        cert: material.serving.certPem,
        key: material.serving.keyPem,
        minVersion: "TLSv1.2",
      });
      this.servedCert = material.serving.certPem;
      this.log.info("webhook serving certificate swapped");
    }
    if (this.serving && material.caBundle !== this.publishedBundle)
      void this.publishAll(material.caBundle).catch((err: unknown) =>
        this.log.warn({ err }, "webhook configuration write failed"),
      );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://webhook");
    const path = url.pathname;
    const route = this.routes.get(path);
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const started = performance.now();
    this.inFlight++;
    this.metrics.inFlight.inc({ webhook: path });
    let code = 200;
    try {
      if (req.method !== "POST") {
        code = 405;
        res.writeHead(405, { "content-type": "text/plain" }).end("POST only\n");
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req, this.options.maxBodyBytes ?? 8 << 20));
      } catch (err) {
        code = 400;
        res.writeHead(400, { "content-type": "text/plain" }).end(`bad request: ${(err as Error).message}\n`);
        return;
      }
      const answer =
        route.type === "conversion"
          ? this.convert(body, route.handler)
          : await this.admit(body, route, path, timeoutSignal(url.searchParams.get("timeout")));
      if (!answer) {
        code = 400;
        res
          .writeHead(400, { "content-type": "text/plain" })
          .end("bad request: not a v1 review with a request\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
    } catch (err) {
      code = 500;
      this.log.error({ err, path }, "webhook request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("internal error\n");
    } finally {
      this.metrics.requests.inc({ webhook: path, code: String(code) });
      this.metrics.latency.observe({ webhook: path }, (performance.now() - started) / 1000);
      this.metrics.inFlight.dec({ webhook: path });
      if (--this.inFlight === 0) this.idle?.();
    }
  }

  private async admit(
    body: unknown,
    route: Extract<Route, { type: "mutating" | "validating" }>,
    path: string,
    signal: AbortSignal,
  ): Promise<AdmissionReview | undefined> {
    const review = body as Partial<AdmissionReview<never>>;
    const request = review.request;
    if (review.kind !== "AdmissionReview" || !request?.uid) return undefined;
    const log = this.log.child({ webhook: path, uid: request.uid });
    let result: MutatingResult;
    try {
      result = await route.handler(request, { log, signal });
      if (route.type === "validating" && "patch" in result)
        throw new Error("a validating handler returned a patch");
    } catch (err) {
      log.error({ err }, "admission handler failed");
      result = {
        allowed: false,
        code: 500,
        message: `internal error: ${(err as Error).message ?? String(err)}`,
      };
    }
    return {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: toAdmissionResponse(request.uid, result),
    };
  }

  private convert(body: unknown, handler: ConversionHandler): ConversionReview | undefined {
    const review = body as Partial<ConversionReview>;
    if (review.kind !== "ConversionReview" || !review.request?.uid) return undefined;
    return {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "ConversionReview",
      response: convertReview(review.request, handler),
    };
  }
}

function subjectNames(address: WebhookAddress): { dnsNames: string[]; ipAddresses: string[] } {
  if ("service" in address) {
    const { name, namespace } = address.service;
    return {
      dnsNames: [
        name,
        `${name}.${namespace}`,
        `${name}.${namespace}.svc`,
        `${name}.${namespace}.svc.cluster.local`,
      ],
      ipAddresses: [],
    };
  }
  const host = address.url.host ?? "127.0.0.1";
  return isIP(host) ? { dnsNames: [], ipAddresses: [host] } : { dnsNames: [host], ipAddresses: [] };
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString()));
    req.on("error", reject);
  });
}

/** The API server appends `?timeout=10s`: the handler's signal aborts then. */
function timeoutSignal(timeout: string | null): AbortSignal {
  const m = /^(\d+)s$/.exec(timeout ?? "");
  return AbortSignal.timeout(m ? Number(m[1]) * 1000 : 30_000);
}
