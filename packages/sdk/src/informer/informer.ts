import pino from "pino";
import type { Logger } from "pino";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { GoneError, apiErrorFromStatus } from "../client/errors.ts";
import type { Client, KubeObject, WatchEvent } from "../client/types.ts";
import type { Kind } from "../kind.ts";
import { kindKey } from "../kind.ts";
import { backoffDelay } from "./backoff.ts";
import { objectKey } from "./keys.ts";
import type { ReadOnly } from "./read-only.ts";
import { deepFreeze } from "./read-only.ts";
import { StringTable, internStrings } from "./string-table.ts";
import { Indexes, Store, byControllerUID, byLabel, byNamespace, byNodeName } from "./store.ts";
import type { IndexFunc } from "./store.ts";
import type { Transform } from "./transform.ts";
import { trimObject } from "./transform.ts";

/** Callbacks for cache changes. They are awaited one at a time, in event order; keep them to enqueueing keys. */
export interface EventHandler<T> {
  /** isInitialList: the object arrived with the first list, not as a live change. */
  onAdd?(obj: ReadOnly<T>, isInitialList: boolean): void | Promise<void>;
  onUpdate?(oldObj: ReadOnly<T>, newObj: ReadOnly<T>): void | Promise<void>;
  onDelete?(obj: ReadOnly<T>): void | Promise<void>;
}

export interface InformerOptions<T> {
  /** Watch one namespace only. Default: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Replaces the default trimObject. Pass `(o) => o` to keep objects whole. */
  transform?: Transform<T>;
  /** Deep-freeze stored objects (default true). Types are ReadOnly either way. */
  freeze?: boolean;
  /** Share equal string values between cached objects (default true); see StringTable. */
  internStrings?: boolean;
  /** List page size. Default 500. */
  pageSize?: number;
  /** First relist backoff. Default 500 ms. */
  initialBackoffMs?: number;
  /** Longest relist backoff. Default 30 s. */
  maxBackoffMs?: number;
  /** Server-side watch timeout is picked in [w, 2w). Default 300 s, as client-go. */
  watchTimeoutSeconds?: number;
  clock?: Clock;
  log?: Logger;
}

/**
 * List-then-watch for one kind, feeding an indexed Store and awaited handlers. It never stops while running: on
 * 410 Gone, on any list or watch error, or on a watch that the server closes abnormally, it relists with capped,
 * jittered exponential backoff, and a relist replaces the store (objects that vanished meanwhile are reported as
 * deletes). A watch the server ends normally (its timeout) resumes from the last resourceVersion without a relist.
 */
export class Informer<T extends KubeObject> {
  readonly kind: Kind<T>;
  readonly store = new Store<T>();
  private readonly client: Client;
  private readonly options: InformerOptions<T>;
  private readonly transform: Transform<T>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly strings: StringTable | undefined;
  private handlers: EventHandler<T>[] = [];
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private tail: Promise<void> = Promise.resolve();
  private running = false;
  private resourceVersion = "";
  /** Relists so far (the first list counts). */
  relists = 0;

  constructor(client: Client, kind: Kind<T>, options: InformerOptions<T> = {}) {
    this.client = client;
    this.kind = kind;
    this.options = options;
    this.transform = options.transform ?? trimObject;
    this.clock = options.clock ?? realClock;
    this.strings = options.internStrings === false ? undefined : new StringTable();
    this.log = (options.log ?? pino({ level: "silent" })).child({ informer: kindKey(kind) });
    this.store.addIndex(Indexes.namespace, byNamespace);
    this.store.addIndex(Indexes.controllerUID, byControllerUID);
    this.store.addIndex(Indexes.label, byLabel);
    if (kind.group === "" && kind.kind === "Pod")
      this.store.addIndex(Indexes.nodeName, byNodeName as IndexFunc<T>);
  }

  /** Adds a custom index; see Store.addIndex. */
  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  /**
   * Registers handlers. If the informer already holds objects, the handlers first receive them as adds, so a
   * controller added late sees the same world as one added early. Returns a function that unregisters.
   */
  addEventHandler(handler: EventHandler<T>): () => void {
    this.handlers.push(handler);
    if (this.store.size > 0) {
      void this.serial(async () => {
        for (const obj of this.store.list()) await this.call(() => handler.onAdd?.(obj, true));
      });
    }
    return () => {
      this.handlers = this.handlers.filter((h) => h !== handler);
    };
  }

  /** True once the first list has been stored and its handlers have run. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced; rejects when signal aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void =>
        reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted waiting for sync"));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      });
    });
  }

  /** The resourceVersion of the last list, watch event or bookmark. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  /** Runs until signal aborts. Never rejects. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`informer for ${kindKey(this.kind)} is already running`);
    this.running = true;
    let failures = 0;
    try {
      while (!signal.aborted) {
        try {
          await this.listAndReplace(signal);
          for (;;) {
            const outcome = await this.watchOnce(signal);
            if (signal.aborted) return;
            if (outcome.events > 0 || outcome.durationMs >= 250) failures = 0;
            else throw new Error("watch closed at once with no events");
          }
        } catch (err) {
          if (signal.aborted) return;
          failures++;
          const delay = backoffDelay(
            failures,
            this.options.initialBackoffMs ?? 500,
            this.options.maxBackoffMs ?? 30_000,
          );
          const gone = err instanceof GoneError;
          this.log[gone ? "info" : "warn"](
            { err, attempt: failures, delayMs: Math.round(delay) },
            gone ? "resourceVersion too old, relisting" : "list/watch failed, relisting after backoff",
          );
          await this.clock.sleep(delay, signal).catch(() => undefined);
        }
      }
    } finally {
      this.running = false;
      await this.tail;
    }
  }

  private async listAndReplace(signal: AbortSignal): Promise<void> {
    const fresh = new Map<string, ReadOnly<T>>();
    let continueToken: string | undefined;
    let resourceVersion = "";
    do {
      signal.throwIfAborted();
      const options = {
        ...this.selectors(),
        limit: this.options.pageSize ?? 500,
        ...(continueToken ? { continue: continueToken } : {}),
      };
      const keep = (item: T): void => {
        const obj = this.prepare(item);
        fresh.set(objectKey(obj as KubeObject), obj);
      };
      let page: { resourceVersion: string; continue?: string };
      if (this.client.listEach) {
        // Item by item: only the trimmed objects outlive the page (see HttpClient.listEach).
        page = await this.client.listEach(this.kind, options, keep);
      } else {
        const whole = await this.client.list(this.kind, options);
        whole.items.forEach(keep);
        page = whole;
      }
      continueToken = page.continue;
      resourceVersion = page.resourceVersion;
    } while (continueToken);
    this.relists++;
    await this.serial(async () => {
      const initial = !this.synced;
      for (const key of this.store.keys()) {
        if (fresh.has(key)) continue;
        const gone = this.store.remove(key);
        if (gone) await this.dispatchDelete(gone);
      }
      for (const [key, obj] of fresh) {
        const old = this.store.get(key);
        if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
        this.store.upsert(obj);
        if (old) await this.dispatchUpdate(old, obj);
        else await this.dispatchAdd(obj, initial);
      }
      this.resourceVersion = resourceVersion;
      if (!this.synced) {
        this.synced = true;
        for (const wake of this.syncWaiters.splice(0)) wake();
      }
    });
    this.log.debug({ objects: fresh.size, resourceVersion }, "listed");
  }

  private async watchOnce(signal: AbortSignal): Promise<{ events: number; durationMs: number }> {
    const started = this.clock.now();
    const base = this.options.watchTimeoutSeconds ?? 300;
    const stream = this.client.watch(this.kind, {
      ...this.selectors(),
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(base * (1 + Math.random())),
      signal,
    });
    let events = 0;
    for await (const event of stream) {
      events++;
      await this.apply(event);
    }
    return { events, durationMs: this.clock.now() - started };
  }

  private async apply(event: WatchEvent<T>): Promise<void> {
    if (event.type === "ERROR") {
      throw apiErrorFromStatus(event.object, "watch", kindKey(this.kind));
    }
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === "BOOKMARK") {
      if (rv) this.resourceVersion = rv;
      return;
    }
    const obj = this.prepare(event.object);
    await this.serial(async () => {
      const key = objectKey(obj as KubeObject);
      if (event.type === "DELETED") {
        const old = this.store.remove(key);
        await this.dispatchDelete(old ?? obj);
      } else {
        const old = this.store.upsert(obj);
        if (old) await this.dispatchUpdate(old, obj);
        else await this.dispatchAdd(obj, false);
      }
      if (rv) this.resourceVersion = rv;
    });
  }

  private prepare(raw: T): ReadOnly<T> {
    const obj = this.transform(raw);
    if (this.strings) internStrings(obj, this.strings);
    return this.options.freeze === false ? (obj as ReadOnly<T>) : deepFreeze(obj);
  }

  private selectors(): { namespace?: string; labelSelector?: string; fieldSelector?: string } {
    const s: { namespace?: string; labelSelector?: string; fieldSelector?: string } = {};
    if (this.options.namespace) s.namespace = this.options.namespace;
    if (this.options.labelSelector) s.labelSelector = this.options.labelSelector;
    if (this.options.fieldSelector) s.fieldSelector = this.options.fieldSelector;
    return s;
  }

  private async dispatchAdd(obj: ReadOnly<T>, initial: boolean): Promise<void> {
    for (const h of this.handlers) await this.call(() => h.onAdd?.(obj, initial));
  }

  private async dispatchUpdate(oldObj: ReadOnly<T>, newObj: ReadOnly<T>): Promise<void> {
    for (const h of this.handlers) await this.call(() => h.onUpdate?.(oldObj, newObj));
  }

  private async dispatchDelete(obj: ReadOnly<T>): Promise<void> {
    for (const h of this.handlers) await this.call(() => h.onDelete?.(obj));
  }

  private async call(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      // A handler bug must not stall the informer for everyone else.
      this.log.error({ err }, "event handler threw");
    }
  }

  /** Runs fn after everything queued before it, so store changes and handler calls keep one order. */
  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
