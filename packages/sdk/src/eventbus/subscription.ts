import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { describeError } from "../leader/api-status.ts";
import { parseCloudEvent, type CloudEvent } from "./cloud-event.ts";
import { RecentIds } from "./recent-ids.ts";
import { streamName } from "./subject.ts";
import { timerDelay } from "../clock/timer-limit.ts";

/** What a subscription needs from the bus's current connection. */
export interface JetStreamHandles {
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export interface SubscriptionOptions {
  /** NATS subject filter within the stream, e.g. `kruise.cloneset.>`. */
  subject: string;
  onEvent: (e: CloudEvent) => void;
  /** Consumer name. Given: a durable consumer that outlives this process. Absent: one removed on unsubscribe. */
  consumerName: string;
  durable: boolean;
  /** Resolves with the JetStream handles once connected (again); rejects when the bus closes. */
  waitForConnection: (signal: AbortSignal) => Promise<JetStreamHandles>;
  /** Re-creates the stream if a NATS restart lost it. */
  ensureStream: (jsm: JetStreamManager) => Promise<void>;
  log: Logger | undefined;
}

/** Unused non-durable consumers are removed by the server after this, so a crashed process leaves no litter. */
const abandonedConsumerThresholdMs = 60 * 60_000;
const maxBackoffMs = 5_000;

/**
 * One JetStream pull consumer, kept alive for as long as the subscription exists: across reconnects and
 * across NATS restarts that lose the consumer (it is then re-created, starting from the last message seen).
 */
export class JetStreamSubscription {
  private readonly opts: SubscriptionOptions;
  private readonly stopController = new AbortController();
  private readonly recentIds = new RecentIds(10_000);
  private messages: ConsumerMessages | undefined;
  private lastJsm: JetStreamManager | undefined;
  /** Where a re-created consumer starts: the server time of the last message seen, or of the consumer's creation. */
  private resumeFrom: string | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(opts: SubscriptionOptions) {
    this.opts = opts;
  }

  start(): void {
    this.running = this.run().catch((err: unknown) => {
      this.opts.log?.error(
        { err: describeError(err), subject: this.opts.subject },
        "subscription loop failed",
      );
    });
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.messages?.close().catch(() => {});
    await this.running;
    if (!this.opts.durable && this.lastJsm) {
      await this.lastJsm.consumers.delete(streamName, this.opts.consumerName).catch(() => {});
    }
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      let handles: JetStreamHandles;
      try {
        handles = await this.opts.waitForConnection(this.stopController.signal);
      } catch {
        return; // the bus closed
      }
      this.lastJsm = handles.jsm;
      try {
        await this.ensureConsumer(handles.jsm);
        const consumer = await handles.js.consumers.get(streamName, this.opts.consumerName);
        this.messages = await consumer.consume({ max_messages: 256 });
        if (this.stopped) break;
        this.watchForLostConsumer(this.messages);
        this.opts.log?.debug({ subject: this.opts.subject, consumer: this.opts.consumerName }, "consuming");
        attempt = 0;
        for await (const msg of this.messages) this.deliver(msg);
      } catch (err) {
        if (this.stopped) break;
        this.opts.log?.warn(
          { err: describeError(err), subject: this.opts.subject },
          "subscription interrupted; retrying",
        );
      }
      if (this.stopped) break;
      await delay(Math.min(maxBackoffMs, 100 * 2 ** attempt), this.stopController.signal);
    }
  }

  private deliver(msg: JsMsg): void {
    this.resumeFrom = new Date(msg.info.timestampNanos / 1e6).toISOString();
    const event = parseCloudEvent(msg.data);
    if (event && this.recentIds.add(event.id)) {
      try {
        this.opts.onEvent(event);
      } catch (err) {
        // Callbacks only enqueue keys; a throwing one is a bug, but must not stop the subscription.
        this.opts.log?.error({ err: describeError(err), subject: msg.subject }, "event callback threw");
      }
    }
    msg.ack();
  }

  /** consume() keeps polling for a consumer that is gone; end it so run() re-creates the consumer. */
  private watchForLostConsumer(messages: ConsumerMessages): void {
    void (async () => {
      for await (const status of messages.status()) {
        if (
          status.type === "consumer_not_found" ||
          status.type === "consumer_deleted" ||
          status.type === "stream_not_found"
        ) {
          this.opts.log?.info(
            { subject: this.opts.subject, status: status.type },
            "consumer lost; re-creating it",
          );
          await messages.close().catch(() => {});
          return;
        }
      }
    })().catch(() => {});
  }

  private async ensureConsumer(jsm: JetStreamManager): Promise<void> {
    try {
      await jsm.consumers.info(streamName, this.opts.consumerName);
      return;
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err;
      if (err.code === JetStreamApiCodes.StreamNotFound) await this.opts.ensureStream(jsm);
      else if (err.code !== JetStreamApiCodes.ConsumerNotFound) throw err;
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: this.opts.consumerName,
      filter_subject: this.opts.subject,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(30_000),
      max_ack_pending: 1_000,
      // First time: only what happens from now on. After losing the consumer: from the last message we saw,
      // so events published while it was gone are not skipped (the id memory filters the overlap).
      ...(this.resumeFrom
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: this.resumeFrom }
        : { deliver_policy: DeliverPolicy.New }),
      ...(this.opts.durable ? {} : { inactive_threshold: nanos(abandonedConsumerThresholdMs) }),
    };
    const info = await jsm.consumers.add(streamName, config);
    this.resumeFrom ??= info.created;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, timerDelay(ms));
    timer.unref();
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
