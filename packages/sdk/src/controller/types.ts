import type { Logger } from "pino";
import type { Client, KubeObject } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import type { CloudEvent } from "../eventbus/cloud-event.ts";
import type { Cache } from "../informer/cache.ts";
import type { ReadOnly } from "../informer/read-only.ts";

/** What to reconcile: one object by namespace and name ("" namespace for cluster-scoped). */
export interface Request {
  namespace: string;
  name: string;
}

/** What a reconcile asks for next. Return nothing when done; throw to retry with backoff. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (and reset its backoff). */
  requeueAfter?: number;
  /** Reconcile again soon, with backoff, without counting as an error. */
  requeue?: boolean;
}

/** Kubernetes Events for `kubectl describe`; the recorder helper implements it. */
export interface Recorder {
  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void;
}

/** Everything a reconcile gets besides the key. */
export interface ReconcileContext {
  /** Logger with controller, namespace, name and reconcileID fields. */
  log: Logger;
  /** Writes (and uncached reads). Its user agent names the controller; writes stop when leadership is lost. */
  client: Client;
  /** The manager's shared informer cache: read from here. */
  cache: Cache;
  recorder: Recorder;
  clock: Clock;
  /** Aborted when this reconcile must stop: the shutdown deadline passed, or leadership was lost. */
  signal: AbortSignal;
}

/**
 * The reconcile function: read the whole state for the key, make the world match, return. It gets the
 * per-reconcile context (logger with controller, namespace, name and reconcileID; abort signal; client, cache,
 * recorder, clock) and the controller's own dependencies, given once to the builder's `reconcile(fn, deps)`.
 *
 * Throw to retry with backoff; throw a TerminalError to report without retrying.
 */
export type Reconciler<D = undefined> = (
  request: Request,
  ctx: ReconcileContext,
  deps: D,
) => Promise<ReconcileResult | void> | ReconcileResult | void;

/** One informer event, as predicates see it. */
export interface WatchEventInfo<T = KubeObject> {
  type: "add" | "update" | "delete";
  object: ReadOnly<T>;
  /** update only */
  oldObject?: ReadOnly<T>;
  /** add only: it came from the initial list, not a live change */
  initialList?: boolean;
}

/** Filters events before they enqueue anything. Return false to drop the event. */
export type Predicate<T = KubeObject> = (event: WatchEventInfo<T>) => boolean;

/** Maps a watched object to the requests it should trigger. */
export type MapFunc<T = KubeObject> = (obj: ReadOnly<T>) => Request[];

/** The part of the EventBus a controller uses: subscribe, and get an unsubscribe function back. */
export interface EventSubscriber {
  subscribe(subject: string, onEvent: (e: CloudEvent) => void): () => void;
}
