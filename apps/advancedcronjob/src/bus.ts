// A local stand-in (the same file as apps/broadcastjob/src/bus.ts: apps never import apps) for the SDK's EventBus (packages/sdk/src/eventbus, not landed when this app was written), with
// the same publish contract. Swap for `EventBus.start` from @kruise/sdk once it exists; nothing else changes.
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { BusMessage } from "./events.ts";

export interface LifecycleBus {
  /** Queues a message; never throws, never blocks. Delivered once NATS is reachable (bounded outbox). */
  publish(message: BusMessage): void;
  /** Core-NATS subscription (re-established on reconnect); the callback must only enqueue keys. */
  subscribe(subject: string, onMessage: (subject: string, data: unknown) => void): () => void;
  close(): Promise<void>;
}

const STREAM = "KRUISE";
const OUTBOX_LIMIT = 10_000;

/** The subject scheme of architecture.md: kruise.<kind>.<namespace>.<name>.<event>. */
export function subjectOf(m: Pick<BusMessage, "kind" | "namespace" | "name" | "event">): string {
  return `kruise.${m.kind.toLowerCase()}.${m.namespace}.${m.name}.${m.event}`;
}

/** A bus that drops everything: what a controller uses without --nats-url. */
export const noBus: LifecycleBus = { publish: () => undefined, subscribe: () => () => undefined, close: async () => undefined };

/** Connects in the background (NATS need not be up), reconnects forever, publishes CloudEvents with Nats-Msg-Id. */
export function startBus(servers: string, source: string, log: Logger): LifecycleBus {
  const outbox: BusMessage[] = [];
  const subscriptions: Array<{ subject: string; fn: (subject: string, data: unknown) => void; stop?: () => void }> = [];
  let nc: NatsConnection | undefined;
  let closed = false;
  let pumping = false;

  const attach = (s: (typeof subscriptions)[number]): void => {
    if (!nc) return;
    const sub = nc.subscribe(s.subject, {
      callback: (err, msg) => {
        if (err) return;
        try {
          const envelope = msg.json<{ data?: unknown }>();
          s.fn(msg.subject, envelope.data);
        } catch (e) {
          log.warn({ err: e, subject: msg.subject }, "ignoring a malformed bus message");
        }
      },
    });
    s.stop = () => sub.unsubscribe();
  };

  const pump = async (): Promise<void> => {
    if (pumping || !nc) return;
    pumping = true;
    try {
      const js = jetstream(nc, { timeout: 2000 });
      while (outbox.length > 0 && !closed) {
        const m = outbox[0]!;
        const envelope = {
          specversion: "1.0",
          id: m.id,
          source,
          type: `io.kruise.${m.kind.toLowerCase()}.${m.event}`,
          subject: `${m.namespace}/${m.name}`,
          time: new Date().toISOString(),
          datacontenttype: "application/json",
          data: m.data,
        };
        try {
          await js.publish(subjectOf(m), JSON.stringify(envelope), { msgID: m.id });
          outbox.shift();
        } catch (err) {
          log.debug({ err }, "bus publish failed; will retry");
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    } finally {
      pumping = false;
    }
  };

  void (async () => {
    try {
      nc = await connect({ servers: servers.split(","), reconnect: true, maxReconnectAttempts: -1, waitOnFirstConnect: true, reconnectTimeWait: 500 });
      const jsm = await jetstreamManager(nc).catch(() => undefined);
      await jsm?.streams
        .info(STREAM)
        .catch(() => jsm.streams.add({ name: STREAM, subjects: ["kruise.>"], max_age: 24 * 3600 * 1e9, duplicate_window: 120 * 1e9 }))
        .catch((err: unknown) => log.warn({ err }, "could not ensure the KRUISE stream"));
      for (const s of subscriptions) attach(s);
      void pump();
      for await (const status of nc.status()) {
        if (status.type === "reconnect") void pump();
      }
    } catch (err) {
      if (!closed) log.warn({ err }, "EventBus connection ended");
    }
  })();

  return {
    publish(message) {
      if (closed) return;
      if (outbox.length >= OUTBOX_LIMIT) outbox.shift();
      outbox.push(message);
      void pump();
    },
    subscribe(subject, fn) {
      const s: (typeof subscriptions)[number] = { subject, fn };
      subscriptions.push(s);
      attach(s);
      return () => {
        s.stop?.();
        subscriptions.splice(subscriptions.indexOf(s), 1);
      };
    },
    async close() {
      closed = true;
      await nc?.drain().catch(() => undefined);
    },
  };
}
