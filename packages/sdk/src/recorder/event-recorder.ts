import type { Event, ObjectReference } from "kubernetes-types/core/v1.js";
import type { Logger } from "pino";
import type { Client, KubeObject } from "../client/index.ts";
import { realClock, type Clock } from "../clock/index.ts";
import { describeError, httpStatusOf } from "../leader/api-status.ts";
import { BoundedMap } from "./bounded-map.ts";
import { EventKind } from "../kinds/core.ts";
import { SpamFilter } from "./spam-filter.ts";

export type EventType = "Normal" | "Warning";

export interface EventRecorderOptions {
  client: Client;
  /** Shown as the event's source ("From" in `kubectl describe`), e.g. the controller name. */
  component: string;
  clock?: Clock;
  log?: Logger;
  /** Events waiting to be written; beyond this new events are dropped (and logged). Default 1000. */
  queueLimit?: number;
  /** Per-object burst before the spam filter drops events. Default 25, like client-go. */
  burst?: number;
  /** Once the burst is spent, one event per object per this interval. Default 5 minutes, like client-go. */
  refillIntervalMs?: number;
}

/** Identical events within this window update one Event's count instead of creating another (client-go: 10 min). */
const aggregationWindowMs = 10 * 60_000;
/** How many distinct (object, type, reason, message) series are remembered for aggregation. */
const aggregationCacheSize = 4096;
const writeAttempts = 3;
const maxMessageLength = 1024;

interface PendingEvent {
  ref: ObjectReference;
  type: EventType;
  reason: string;
  message: string;
  atMs: number;
}

interface Series {
  eventName: string;
  namespace: string;
  count: number;
  lastAtMs: number;
}

/**
 * Records Kubernetes Events the way client-go's recorder does: non-blocking, aggregated, spam-filtered.
 * event() only queues; one background writer creates or patches the Events, and a failed write is
 * logged, never thrown, because an Event is a courtesy to humans, not part of reconciling.
 */
export class EventRecorder {
  private readonly client: Client;
  private readonly component: string;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly queueLimit: number;
  private readonly spamFilter: SpamFilter;
  private readonly series = new BoundedMap<string, Series>(aggregationCacheSize);
  private readonly queue: PendingEvent[] = [];
  private draining: Promise<void> | undefined;
  private nameSequence = 0;
  private droppedSinceLastLog = 0;

  constructor(opts: EventRecorderOptions) {
    if (!opts.component)
      throw new Error("EventRecorder: component must be a non-empty string (it is the events' source)");
    this.client = opts.client;
    this.component = opts.component;
    this.clock = opts.clock ?? realClock;
    this.log = opts.log?.child({ component: "event-recorder" });
    this.queueLimit = opts.queueLimit ?? 1000;
    this.spamFilter = new SpamFilter({
      burst: opts.burst ?? 25,
      refillIntervalMs: opts.refillIntervalMs ?? 5 * 60_000,
      maxObjects: 4096,
    });
  }

  /** Queues an Event about obj. Never blocks and never throws; see the class comment. */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    try {
      const ref = referenceTo(obj);
      if (!ref.name) {
        this.log?.warn({ reason }, "event dropped: the object has no metadata.name");
        return;
      }
      const atMs = this.clock.now();
      if (!this.spamFilter.allow(`${ref.kind}/${ref.namespace ?? ""}/${ref.name}/${ref.uid ?? ""}`, atMs)) {
        this.log?.debug(
          { object: `${ref.namespace ?? ""}/${ref.name}`, reason },
          "event dropped by the spam filter",
        );
        return;
      }
      if (this.queue.length >= this.queueLimit) {
        this.noteDropped();
        return;
      }
      this.queue.push({ ref, type, reason, message: truncate(message), atMs });
      this.draining ??= this.drain();
    } catch (err) {
      this.log?.error({ err: describeError(err) }, "event dropped: could not queue it");
    }
  }

  /** Resolves once every queued event has been written (or given up on). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) {
        await this.write(next);
      }
    } finally {
      this.draining = undefined;
    }
  }

  private async write(pending: PendingEvent): Promise<void> {
    for (let attempt = 1; attempt <= writeAttempts; attempt++) {
      try {
        await this.createOrAggregate(pending);
        return;
      } catch (err) {
        if (attempt === writeAttempts) {
          this.log?.warn(
            {
              err: describeError(err),
              object: `${pending.ref.namespace ?? ""}/${pending.ref.name ?? ""}`,
              reason: pending.reason,
            },
            "could not write event; dropping it",
          );
          return;
        }
        await this.clock.sleep(250 * 2 ** attempt).catch(() => {});
      }
    }
  }

  private async createOrAggregate(pending: PendingEvent): Promise<void> {
    const key = [
      pending.ref.kind,
      pending.ref.namespace,
      pending.ref.name,
      pending.ref.uid,
      pending.type,
      pending.reason,
      pending.message,
    ].join("\u0000");
    const lastTimestamp = toTime(pending.atMs);
    const known = this.series.get(key);
    if (known && pending.atMs - known.lastAtMs < aggregationWindowMs) {
      try {
        await this.client.patch(EventKind, known.eventName, known.namespace, "merge", {
          count: known.count + 1,
          lastTimestamp,
        });
        known.count += 1;
        known.lastAtMs = pending.atMs;
        return;
      } catch (err) {
        // The Event expired (the apiserver's event TTL) or was deleted: start a new series below.
        if (httpStatusOf(err) !== 404) throw err;
        this.series.delete(key);
      }
    }
    const namespace = pending.ref.namespace || "default";
    const event: Event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: this.eventName(pending.ref.name ?? "", pending.atMs), namespace },
      involvedObject: pending.ref,
      type: pending.type,
      reason: pending.reason,
      message: pending.message,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: "",
      firstTimestamp: lastTimestamp,
      lastTimestamp,
      count: 1,
    };
    await this.client.create(EventKind, event);
    this.series.set(key, { eventName: event.metadata.name!, namespace, count: 1, lastAtMs: pending.atMs });
  }

  /** `<object name>.<hex nanoseconds>` like client-go; a sequence fills the sub-millisecond digits so names never collide. */
  private eventName(objectName: string, atMs: number): string {
    this.nameSequence = (this.nameSequence + 1) % 1_000_000;
    const nanos = BigInt(Math.floor(atMs)) * 1_000_000n + BigInt(this.nameSequence);
    return `${objectName}.${nanos.toString(16)}`;
  }

  private noteDropped(): void {
    this.droppedSinceLastLog += 1;
    // One log line per hundred drops: a full queue usually means the apiserver is unreachable.
    if (this.droppedSinceLastLog === 1 || this.droppedSinceLastLog % 100 === 0) {
      this.log?.warn(
        { dropped: this.droppedSinceLastLog, queueLimit: this.queueLimit },
        "event queue full; dropping events",
      );
    }
  }
}

function referenceTo(obj: KubeObject): ObjectReference {
  const meta = obj.metadata ?? {};
  const ref: ObjectReference = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (meta.namespace) ref.namespace = meta.namespace;
  if (meta.name) ref.name = meta.name;
  if (meta.uid) ref.uid = meta.uid;
  if (meta.resourceVersion) ref.resourceVersion = meta.resourceVersion;
  return ref;
}

/** metav1.Time: RFC 3339 in whole seconds. */
function toTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function truncate(message: string): string {
  return message.length <= maxMessageLength ? message : `${message.slice(0, maxMessageLength - 3)}...`;
}
