import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect, nuid, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { describeError } from "../leader/api-status.ts";
import { defaultRegistry, metricFamily } from "../metrics/index.ts";
import { toCloudEvent, type BusEvent, type CloudEvent } from "./cloud-event.ts";
import { Outbox, type OutboxEntry } from "./outbox.ts";
import { defaultStreamLimits, ensureStream, type StreamLimits } from "./stream.ts";
import { natsConnectionSettings, type NatsConnectionSettings } from "./nats-auth.ts";
import type { NatsTlsOptions } from "./nats-tls.ts";
import { busMessageId } from "./message-id.ts";
import { subjectFor } from "./subject.ts";
import { JetStreamSubscription, type JetStreamHandles } from "./subscription.ts";
import { timerDelay } from "../clock/timer-limit.ts";

export interface EventBusOptions {
  /**
   * NATS server URL(s), comma separated, optionally naming the user: `nats://cloneset@host:4222` (password in the URL
   * or in `NATS_PASSWORD`), or `tls://host:4222` for TLS. Empty or absent: events are disabled (publish drops,
   * subscribe never fires).
   */
  servers?: string;
  /**
   * TLS to NATS: the CA of the server's certificate and, for a server that verifies clients, a client certificate.
   * Any of them (or a tls:// server) makes TLS required: the bus then never talks to that server in clear.
   */
  tls?: NatsTlsOptions;
  /** The CloudEvents `source`: the publishing controller's name. */
  source: string;
  log?: Logger;
  registry?: Registry;
  /** Events kept while NATS is unreachable; beyond this the oldest are dropped. Default 10,000. */
  outboxLimit?: number;
  /** Stream limits; see StreamLimits for the defaults (24 h, 1 GiB, 2 min duplicate window). */
  stream?: Partial<StreamLimits>;
  /** How long close() keeps trying to deliver the outbox. Default 5 s. */
  closeTimeoutMs?: number;
}

export interface SubscribeOptions {
  /** A durable consumer name: it keeps its position across restarts of this process. */
  durable?: string;
}

/** Publishes at most this many events before waiting for their acknowledgements. */
const maxInFlight = 256;
const publishTimeoutMs = 5_000;
const maxReconnectBackoffMs = 5_000;

/**
 * Kruise's NATS JetStream event bus. Nothing here ever blocks a reconcile on NATS: start() returns at once,
 * publish() only queues, and a background loop connects, reconnects forever and drains the outbox in
 * order. Every message carries `Nats-Msg-Id` = busMessageId(event) (the step key plus a digest of the data), so re-sending after a lost acknowledgement is
 * deduplicated by JetStream. Events are hints; the informer stays the source of truth.
 */
export class EventBus {
  private readonly source: string;
  private readonly servers: string[];
  private readonly auth: Omit<NatsConnectionSettings, "servers">;
  private readonly log: Logger | undefined;
  private readonly limits: StreamLimits;
  private readonly closeTimeoutMs: number;
  private readonly outbox: Outbox;
  private readonly published;
  private readonly dropped;
  private readonly depth;
  private readonly closeController = new AbortController();
  private readonly subscriptions = new Set<JetStreamSubscription>();
  private nc: NatsConnection | undefined;
  private handles: JetStreamHandles | undefined;
  private connectionWaiters: (() => void)[] = [];
  private pumping: Promise<void> | undefined;
  private connectLoop: Promise<void> = Promise.resolve();
  private lastPublishError = "";

  static start(opts: EventBusOptions): EventBus {
    const bus = new EventBus(opts);
    bus.begin();
    return bus;
  }

  private constructor(opts: EventBusOptions) {
    if (!opts.source)
      throw new Error("EventBus.start: source must be a non-empty string (the publishing controller's name)");
    this.source = opts.source;
    const { servers, ...auth } = natsConnectionSettings(opts.servers ?? "", process.env, opts.tls);
    this.servers = servers;
    this.auth = auth;
    this.log = opts.log?.child({ component: "eventbus" });
    this.limits = { ...defaultStreamLimits, ...opts.stream };
    this.closeTimeoutMs = opts.closeTimeoutMs ?? 5_000;
    const registry = opts.registry ?? defaultRegistry;
    const family = metricFamily(registry, ["source"]);
    this.published = family
      .counter(
        "kruise_eventbus_published_total",
        "Events acknowledged by JetStream (including ones it recognised as duplicates).",
      )
      .labels(this.source);
    this.dropped = family
      .counter(
        "kruise_eventbus_dropped_total",
        "Events dropped because the outbox was full or NATS is not configured.",
      )
      .labels(this.source);
    this.depth = family
      .gauge("kruise_eventbus_outbox_depth", "Events waiting to be acknowledged by JetStream.")
      .labels(this.source);
    this.outbox = new Outbox(opts.outboxLimit ?? 10_000, (n) => this.dropped.inc(n));
  }

  /** Whether NATS is connected right now. */
  get connected(): boolean {
    return this.handles !== undefined;
  }

  /** Queues an event for publishing. Never throws and never waits for NATS. */
  publish(e: BusEvent): void {
    try {
      if (this.closeController.signal.aborted || this.servers.length === 0) {
        this.dropped.inc();
        return;
      }
      const subject = subjectFor(e.kind, e.namespace, e.name, e.event);
      // The step key plus a digest of the data: a retry keeps its id, a new state under the same key gets a new one.
      const id = busMessageId(e);
      const payload = new TextEncoder().encode(
        JSON.stringify(toCloudEvent({ ...e, id }, this.source, Date.now())),
      );
      this.outbox.push({ id, subject, payload });
      this.depth.set(this.outbox.size);
      this.kickPump();
    } catch (err) {
      this.dropped.inc();
      this.log?.error(
        { err: describeError(err), event: e.event, id: e.id },
        "event dropped: could not encode it",
      );
    }
  }

  /**
   * Calls onEvent for each event on subjects matching `subject` published from now on. The callback must be
   * synchronous and cheap (enqueue a key); it runs before the message is acknowledged. Returns the unsubscribe.
   */
  subscribe(subject: string, onEvent: (e: CloudEvent) => void, opts: SubscribeOptions = {}): () => void {
    if (this.servers.length === 0) return () => {};
    const consumerName =
      opts.durable ?? `kruise_${this.source.replace(/[^A-Za-z0-9_-]/g, "_")}_${nuid.next()}`;
    const subscription = new JetStreamSubscription({
      subject,
      onEvent,
      consumerName,
      durable: opts.durable !== undefined,
      waitForConnection: (signal) => this.waitForConnection(signal),
      ensureStream: (jsm) => this.ensureStreamLogged(jsm),
      log: this.log,
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return () => {
      if (!this.subscriptions.delete(subscription)) return;
      subscription.stop().catch(() => {});
    };
  }

  /** Delivers what it can of the outbox within closeTimeoutMs, then disconnects. */
  async close(): Promise<void> {
    if (this.closeController.signal.aborted) return;
    // Keep trying until the deadline even while disconnected: NATS may be back any moment.
    const deadline = Date.now() + this.closeTimeoutMs;
    while (this.outbox.size > 0 && Date.now() < deadline) {
      this.kickPump();
      await Promise.race([this.pumping ?? sleep(50), sleep(Math.max(0, deadline - Date.now()))]);
    }
    if (this.outbox.size > 0) {
      this.log?.warn({ undelivered: this.outbox.size }, "closing the event bus with undelivered events");
      this.dropped.inc(this.outbox.size);
    }
    this.closeController.abort();
    this.releaseWaiters();
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.subscriptions.clear();
    await this.nc?.close().catch(() => {});
    await this.connectLoop;
    this.depth.set(0);
  }

  private begin(): void {
    if (this.servers.length === 0) {
      this.log?.info("no NATS servers configured; events are disabled");
      return;
    }
    this.connectLoop = this.runConnectLoop().catch((err: unknown) => {
      this.log?.error({ err: describeError(err) }, "event bus connection loop failed");
    });
  }

  /** Connects, and after the connection is closed for good, connects again; forever, with capped backoff. */
  private async runConnectLoop(): Promise<void> {
    for (let attempt = 0; !this.closeController.signal.aborted;) {
      let nc: NatsConnection;
      try {
        nc = await connect({
          servers: this.servers,
          ...this.auth,
          name: this.source,
          timeout: 2_000,
          // The client reconnects on its own while it is connected; this loop only covers the first connect
          // and a connection that gave up.
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          reconnectJitter: 250,
          pingInterval: 10_000,
          maxPingOut: 2,
        });
      } catch (err) {
        if (attempt === 0)
          this.log?.warn(
            { err: describeError(err), servers: this.servers },
            "NATS unreachable; retrying in the background",
          );
        await sleep(Math.min(maxReconnectBackoffMs, 200 * 2 ** attempt++), this.closeController.signal);
        continue;
      }
      attempt = 0;
      if (this.closeController.signal.aborted) {
        await nc.close();
        return;
      }
      this.nc = nc;
      this.watchStatus(nc);
      await this.onConnected(nc);
      await nc.closed();
      this.handles = undefined;
      this.nc = undefined;
    }
  }

  private watchStatus(nc: NatsConnection): void {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === "disconnect") {
          this.handles = undefined;
          this.log?.warn("NATS disconnected; events go to the outbox");
        } else if (status.type === "reconnect") {
          this.log?.info("NATS reconnected");
          await this.onConnected(nc);
        }
      }
    })().catch(() => {});
  }

  /** Never rejects: a failure here must not end the connect loop, which has to run forever. */
  private async onConnected(nc: NatsConnection): Promise<void> {
    try {
      await this.useConnection(nc);
    } catch (err) {
      this.log?.warn({ err: describeError(err) }, "could not set up JetStream on the new connection");
    }
  }

  private async useConnection(nc: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(nc, { timeout: publishTimeoutMs }).catch((err: unknown) => {
      this.log?.warn({ err: describeError(err) }, "JetStream not available yet");
      return undefined;
    });
    if (jsm) await this.ensureStreamLogged(jsm);
    if (nc.isClosed() || this.closeController.signal.aborted) return;
    const js: JetStreamClient = jetstream(nc, { timeout: publishTimeoutMs });
    this.handles = { js, jsm: jsm ?? (await jetstreamManager(nc, { checkAPI: false })) };
    this.log?.info({ outbox: this.outbox.size }, "NATS connected");
    this.releaseWaiters();
    this.kickPump();
  }

  private async ensureStreamLogged(jsm: JetStreamManager): Promise<void> {
    try {
      const outcome = await ensureStream(jsm, this.limits);
      if (outcome !== "unchanged") this.log?.info({ stream: "KRUISE", outcome }, "JetStream stream ensured");
    } catch (err) {
      // With NATS users, only the stream's manager may create or change it; the others use it as it is.
      this.log?.warn(
        { err: describeError(err), user: this.auth.user },
        "could not create or update the KRUISE stream (it may be managed by another NATS user)",
      );
    }
  }

  private waitForConnection(signal: AbortSignal): Promise<JetStreamHandles> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (signal.aborted || this.closeController.signal.aborted) reject(new Error("event bus closed"));
        else if (this.handles) resolve(this.handles);
        else this.connectionWaiters.push(check);
      };
      check();
    });
  }

  private releaseWaiters(): void {
    const waiters = this.connectionWaiters;
    this.connectionWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private kickPump(): void {
    if (this.pumping || !this.handles || this.outbox.size === 0) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      this.depth.set(this.outbox.size);
      // Events queued while the last batch was being acknowledged.
      if (this.outbox.size > 0 && this.handles) this.kickPump();
    });
  }

  /** Publishes the outbox oldest first, a window at a time; failures go back in front and wait for the connection. */
  private async pump(): Promise<void> {
    for (let failures = 0; this.handles && this.outbox.size > 0;) {
      const { js, jsm } = this.handles;
      const batch = this.outbox.takeFront(maxInFlight);
      this.depth.set(this.outbox.size + batch.length);
      const results = await Promise.allSettled(
        batch.map((entry: OutboxEntry) =>
          js.publish(entry.subject, entry.payload, { msgID: entry.id, timeout: publishTimeoutMs }),
        ),
      );
      const failed = batch.filter((_, i) => results[i]!.status === "rejected");
      this.published.inc(batch.length - failed.length);
      if (failed.length === 0) {
        failures = 0;
        continue;
      }
      this.outbox.returnFront(failed);
      const firstError = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      const message = describeError(firstError.reason);
      if (message !== this.lastPublishError) {
        this.lastPublishError = message;
        this.log?.warn(
          { err: message, pending: this.outbox.size },
          "publishing to JetStream failed; will retry",
        );
      }
      // A NATS restart without storage loses the stream: "no responders" until it exists again.
      await this.ensureStreamLogged(jsm);
      await sleep(Math.min(maxReconnectBackoffMs, 100 * 2 ** failures++), this.closeController.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timerDelay(ms));
    timer.unref();
    signal?.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
