import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import pino from "pino";
import type { Logger } from "pino";
import { Registry, collectDefaultMetrics } from "prom-client";
import type { RestConfig } from "../client/config.ts";
import { loadRestConfig } from "../client/config.ts";
import type { HttpClient, WriteRecord } from "../client/http-client.ts";
import { createClient } from "../client/http-client.ts";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { ControllerBuilder } from "../controller/builder.ts";
import type { ControllerHost } from "../controller/builder.ts";
import type { Controller } from "../controller/controller.ts";
import type { EventSubscriber, Recorder } from "../controller/types.ts";
import { Cache } from "../informer/cache.ts";
import {
  createControllerExpectations,
  type ControllerExpectations,
} from "../expectations/controller-expectations.ts";
import { startLeaderElection } from "../leader/index.ts";
import type { LeaderElection } from "../leader/index.ts";
import type { EventBus, NatsTlsOptions } from "../eventbus/index.ts";
import type { EventRecorder } from "../recorder/index.ts";
import { WebhookServer } from "../webhook/webhook-server.ts";
import type { WebhookServerOptions } from "../webhook/webhook-server.ts";
import { createEventBus, createRecorder } from "./comms.ts";
import type { Check, Endpoint } from "./http-server.ts";
import { metricsAuthorizer } from "./metrics-auth.ts";
import {
  checkRoute,
  DEFAULT_HEALTH_PROBE_BIND_ADDRESS,
  DEFAULT_METRICS_BIND_ADDRESS,
  parseBindAddress,
  serveEndpoints,
} from "./http-server.ts";

export interface LeaderElectionConfig {
  /** Namespace of the Lease. */
  namespace: string;
  /** Lease name. Default `<manager name>-leader`. */
  name?: string;
  /** Default `<hostname>_<uuid>`. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ManagerOptions {
  /** The controller binary's name: user agent, Event source, lease name, EventBus source. */
  name: string;
  /** Shown in the user agent `<name>/<version>`. Default 0.1.0. */
  version?: string;
  /** Kubeconfig path. Default: $KUBECONFIG, ~/.kube/config, then in-cluster. */
  kubeconfig?: string;
  /** Connection settings, instead of a kubeconfig (tests). */
  restConfig?: RestConfig;
  /** Client token bucket. Defaults 20 / 30. */
  qps?: number;
  burst?: number;
  /** host:port for /metrics; "0" disables. Default "127.0.0.1:8080" (loopback). */
  metricsBindAddress?: string;
  /**
   * Serve /metrics only to a bearer token the API server authenticates (TokenReview) and authorizes for `get` on
   * the path (SubjectAccessReview), as controller-runtime's secure metrics. For a bind address beyond loopback.
   */
  metricsAuth?: boolean;
  /** host:port for /healthz and /readyz; "0" disables. Default "127.0.0.1:8081" (loopback). */
  healthProbeBindAddress?: string;
  /** Campaign for a Lease and reconcile only while holding it. */
  leaderElection?: LeaderElectionConfig;
  /** EventBus over NATS JetStream (servers as EventBusOptions.servers, TLS files). Optional: controllers run without it. */
  nats?: { servers: string; tls?: NatsTlsOptions };
  clock?: Clock;
  logger?: Logger;
  /** How long in-flight reconciles get to finish on shutdown. Default 30 s. */
  shutdownTimeoutMs?: number;
  /** Observe every API write (tests and benches count writes per controller). */
  onWrite?: (write: WriteRecord) => void;
  /** Relist backoff cap for informers. Default 30 s. */
  informerMaxBackoffMs?: number;
  /** Informer list page size. Default 500 (pages are parsed item by item, so their size barely changes memory). */
  informerPageSize?: number;
}

/**
 * Owns everything one controller process shares: the client (one rate limiter), the informer cache (one informer
 * per kind), metrics, health endpoints, leader election, the EventBus, and the controllers built on it.
 * Create with Manager.create, declare controllers with controller(name), then start().
 */
export class Manager {
  readonly name: string;
  readonly client: HttpClient;
  readonly cache: Cache;
  readonly registry: Registry;
  readonly log: Logger;
  readonly clock: Clock;
  private readonly options: ManagerOptions;
  private readonly controllers: Controller[] = [];
  private readonly cleanups: Array<() => void> = [];
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly healthChecks = new Map<string, Check>();
  private readonly readyChecks = new Map<string, Check>();
  private readonly stopController = new AbortController();
  private readonly cacheAbort = new AbortController();
  private bus: EventBus | undefined;
  private webhook: WebhookServer | undefined;
  private endpoints: Endpoint[] = [];
  private leader: LeaderElection | undefined;
  private running: Promise<void> | undefined;
  /** Ports actually bound (after start), for tests that pass port 0. */
  metricsPort: number | undefined;
  healthPort: number | undefined;

  private constructor(options: ManagerOptions, restConfig: RestConfig) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock ?? realClock;
    this.log = (options.logger ?? pino({ level: "info" })).child({ manager: options.name });
    this.registry = new Registry();
    collectDefaultMetrics({ register: this.registry });
    this.client = createClient(restConfig, {
      qps: options.qps ?? 20,
      burst: options.burst ?? 30,
      userAgent: `${options.name}/${options.version ?? "0.1.0"}`,
      registry: this.registry,
      clock: this.clock,
      ...(options.onWrite ? { onWrite: options.onWrite } : {}),
    });
    this.cache = new Cache(this.client, {
      clock: this.clock,
      log: this.log,
      ...(options.informerMaxBackoffMs ? { maxBackoffMs: options.informerMaxBackoffMs } : {}),
      ...(options.informerPageSize ? { pageSize: options.informerPageSize } : {}),
    });
    this.healthChecks.set("ping", () => true);
    this.readyChecks.set("informers-synced", () => this.cache.hasSynced());
    if (options.nats?.servers) {
      this.bus = createEventBus({
        servers: options.nats.servers,
        ...(options.nats.tls ? { tls: options.nats.tls } : {}),
        source: options.name,
        log: this.log,
        registry: this.registry,
      });
    }
  }

  /** Loads the kubeconfig (or in-cluster config) and builds the manager. Nothing runs until start(). */
  static async create(options: ManagerOptions): Promise<Manager> {
    const restConfig = options.restConfig ?? (await loadRestConfig(options.kubeconfig));
    return new Manager(options, restConfig);
  }

  /** Starts declaring a controller. */
  controller(name: string): ControllerBuilder {
    if (this.controllers.some((c) => c.name === name))
      throw new Error(`a controller named ${name} is already registered`);
    return new ControllerBuilder(this.host(), name);
  }

  /** Adds a /healthz check. */
  addHealthCheck(name: string, check: Check): void {
    this.healthChecks.set(name, check);
  }

  /** Adds a /readyz check (the informer sync check is built in). */
  addReadyCheck(name: string, check: Check): void {
    this.readyChecks.set(name, check);
  }

  /**
   * The process's admission and conversion webhook server (one per manager; a second call returns the first). It
   * starts before leader election, because every replica serves admission, and drains first on shutdown. Its
   * certificate Secret and webhook configurations are written with an ungated client for the same reason: any
   * replica may heal them. /readyz includes "webhook".
   */
  webhookServer(options: Omit<WebhookServerOptions, "client" | "log" | "registry" | "clock">): WebhookServer {
    if (!this.webhook) {
      const webhook = new WebhookServer({
        ...options,
        client: this.client.ungated(),
        log: this.log,
        registry: this.registry,
        clock: this.clock,
      });
      this.webhook = webhook;
      this.readyChecks.set("webhook", () => webhook.ready());
    }
    return this.webhook;
  }

  /** A Kubernetes Events recorder for a component (each controller gets its own). */
  recorderFor(component: string): Recorder {
    let recorder = this.recorders.get(component);
    if (!recorder) {
      recorder = createRecorder({
        client: this.client.forController(component),
        component,
        clock: this.clock,
        log: this.log,
      });
      this.recorders.set(component, recorder);
    }
    return recorder;
  }

  /**
   * A controller's scale and resourceVersion expectations, named after it (metric label `name`, log field
   * `controller`): hand them to `owns(kind, { expectations })` and to the reconcile's dependencies.
   *
   * Caveats: each call makes a new pair; call it once per controller.
   */
  expectationsFor(controller: string): ControllerExpectations {
    return createControllerExpectations({
      name: controller,
      clock: this.clock,
      registry: this.registry,
      log: this.log.child({ controller }),
    });
  }

  /** The EventBus (when nats was configured): publish domain events with it. */
  get eventBus(): EventBus | undefined {
    return this.bus;
  }

  /** True when this process may reconcile: leader election is off, or it holds the lease (false before the first acquisition). */
  isLeader(): boolean {
    // With leader election configured, nothing leads until the lease is held: the window between start() and the
    // election's first acquisition (serving, webhook start) must not count as leadership.
    if (!this.options.leaderElection) return true;
    return this.leader?.isLeader() ?? false;
  }

  /**
   * Runs until signal aborts or stop() is called, then shuts down gracefully: stop taking work, let in-flight
   * reconciles finish (shutdownTimeoutMs), release the lease, close the EventBus. Rejects if leadership is lost:
   * the process must exit, as controller-runtime's does, so that it never acts on a stale view.
   */
  start(signal?: AbortSignal): Promise<void> {
    this.running ??= this.run(signal);
    return this.running;
  }

  /** Begins graceful shutdown; resolves when start() has finished. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.running?.catch(() => undefined);
  }

  private async run(signal?: AbortSignal): Promise<void> {
    signal?.addEventListener("abort", () => this.stopController.abort(), { once: true });
    if (signal?.aborted) this.stopController.abort();
    const stopping = this.stopController.signal;
    let leadershipLost: Error | undefined;
    try {
      await this.serve();
      await this.webhook?.start();
      this.cache.start(this.cacheAbort.signal);
      const leadership = new AbortController();
      if (this.options.leaderElection) {
        const le = this.options.leaderElection;
        this.leader = startLeaderElection({
          client: this.client.ungated(),
          namespace: le.namespace,
          name: le.name ?? `${this.name}-leader`,
          identity: le.identity ?? `${hostname()}_${randomUUID()}`,
          clock: this.clock,
          log: this.log,
          ...(le.leaseDurationMs ? { leaseDurationMs: le.leaseDurationMs } : {}),
          ...(le.renewDeadlineMs ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
          ...(le.retryPeriodMs ? { retryPeriodMs: le.retryPeriodMs } : {}),
        });
        const leader = this.leader;
        this.client.setWriteGate(() => leader.isLeader() && !leader.lost.aborted);
        leader.lost.addEventListener(
          "abort",
          () => {
            if (stopping.aborted) return;
            leadershipLost = new Error("leader election lost");
            this.log.error("leadership lost; stopping all reconciles and writes");
            leadership.abort(leadershipLost);
            this.stopController.abort();
          },
          { once: true },
        );
        this.log.info("waiting for leadership");
        await Promise.race([leader.acquired, aborted(stopping)]);
        if (stopping.aborted) return;
        this.log.info("became leader");
      }
      await this.cache.waitForSync(stopping).catch(() => undefined);
      if (stopping.aborted) return;
      for (const c of this.controllers) c.start(leadership.signal);
      this.log.info({ controllers: this.controllers.map((c) => c.name) }, "manager started");
      await aborted(stopping);
    } finally {
      await this.shutdown();
    }
    if (leadershipLost) throw leadershipLost;
  }

  private async shutdown(): Promise<void> {
    const deadline = this.options.shutdownTimeoutMs ?? 30_000;
    await this.webhook?.stop();
    this.log.info({ deadlineMs: deadline }, "shutting down: waiting for in-flight reconciles");
    const results = await Promise.all(this.controllers.map((c) => c.shutdown(deadline)));
    if (results.some((ok) => !ok)) this.log.warn("some reconciles did not finish before the deadline");
    for (const cleanup of this.cleanups) cleanup();
    await Promise.all([...this.recorders.values()].map((r) => r.flush().catch(() => undefined)));
    if (this.leader)
      await this.leader
        .release()
        .catch((err: unknown) => this.log.warn({ err }, "releasing the lease failed"));
    await this.bus?.close().catch(() => undefined);
    this.cacheAbort.abort();
    await this.cache.stopped();
    await Promise.all(this.endpoints.map((e) => e.close()));
    await this.client.close();
    this.log.info("manager stopped");
  }

  private async serve(): Promise<void> {
    const metricsBind = parseBindAddress(this.options.metricsBindAddress ?? DEFAULT_METRICS_BIND_ADDRESS);
    const healthBind = parseBindAddress(
      this.options.healthProbeBindAddress ?? DEFAULT_HEALTH_PROBE_BIND_ADDRESS,
    );
    if (metricsBind) {
      // Reviews go through the ungated client: a follower serves its metrics too.
      const authorize =
        this.options.metricsAuth === true ? metricsAuthorizer(this.client.ungated()) : undefined;
      const e = await serveEndpoints(metricsBind, {
        "/metrics": async (req) => {
          const decision =
            authorize === undefined ? 200 : await authorize(req.headers.authorization, "/metrics");
          if (decision !== 200)
            return {
              status: decision,
              contentType: "text/plain",
              body: decision === 401 ? "Unauthorized\n" : "Forbidden\n",
            };
          return { status: 200, contentType: this.registry.contentType, body: await this.registry.metrics() };
        },
      });
      this.metricsPort = e.port;
      this.endpoints.push(e);
    }
    if (healthBind) {
      const e = await serveEndpoints(healthBind, {
        "/healthz": checkRoute(this.healthChecks),
        "/readyz": checkRoute(this.readyChecks),
      });
      this.healthPort = e.port;
      this.endpoints.push(e);
    }
  }

  private host(): ControllerHost {
    return {
      cache: this.cache,
      clientFor: (controller) => this.client.forController(controller, this.options.version),
      recorderFor: (controller) => this.recorderFor(controller),
      eventBus: (): EventSubscriber | undefined => this.bus,
      clock: this.clock,
      log: this.log,
      registry: this.registry,
      register: (controller, cleanup) => {
        this.controllers.push(controller);
        this.cleanups.push(cleanup);
        if (this.running && this.cache.hasSynced() && this.isLeader()) controller.start();
      },
    };
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
