import type { Logger } from "pino";
import type { Clock } from "../clock/clock.ts";
import type { Client, KubeObject } from "../client/types.ts";
import type { Kind } from "../kind.ts";
import { kindKey } from "../kind.ts";
import { Informer } from "./informer.ts";
import type { InformerOptions } from "./informer.ts";
import { keyOf } from "./keys.ts";
import type { ReadOnly } from "./read-only.ts";
import { Indexes } from "./store.ts";

/** Filters for Cache.list. */
export interface CacheListOptions {
  namespace?: string;
  /** Every pair must match (equality selector). */
  labels?: Record<string, string>;
  /** Objects whose controller owner reference has this UID. */
  controllerUID?: string;
}

/**
 * One shared informer per kind: every controller in a manager reads the same objects from here, and each kind is
 * listed and watched once. Informers asked for after start() start at once.
 */
export class Cache {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  /** The options each informer was created with, to refuse a conflicting second declaration. */
  private readonly declared = new Map<string, InformerOptions<KubeObject>>();
  private readonly client: Client;
  private readonly defaults: Pick<
    InformerOptions<KubeObject>,
    "clock" | "log" | "freeze" | "maxBackoffMs" | "pageSize"
  >;
  private signal: AbortSignal | undefined;
  private runs: Promise<void>[] = [];

  constructor(
    client: Client,
    defaults: {
      clock?: Clock;
      log?: Logger;
      freeze?: boolean;
      maxBackoffMs?: number;
      pageSize?: number;
    } = {},
  ) {
    this.client = client;
    this.defaults = defaults;
  }

  /**
   * The shared informer for kind, created on first use with `options`.
   *
   * Guarantees: a kind's informer options are declared once. A later call with no options gets the same informer;
   * a later call whose options differ (scope, selectors, transform — functions compared by identity) throws,
   * naming the kind and the option, instead of silently ignoring them.
   */
  informerFor<T extends KubeObject>(kind: Kind<T>, options: InformerOptions<T> = {}): Informer<T> {
    const key = kindKey(kind);
    let informer = this.informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>(this.client, kind, { ...(this.defaults as InformerOptions<T>), ...options });
      this.informers.set(key, informer as unknown as Informer<KubeObject>);
      this.declared.set(key, options as unknown as InformerOptions<KubeObject>);
      if (this.signal) this.runs.push(informer.run(this.signal));
      return informer;
    }
    if (Object.keys(options).length > 0) {
      const first = this.declared.get(key) ?? {};
      const keys = new Set([...Object.keys(first), ...Object.keys(options)]);
      for (const option of keys) {
        const a = (first as Record<string, unknown>)[option];
        const b = (options as Record<string, unknown>)[option];
        if (a !== b)
          throw new Error(
            `informer options for ${key} conflict: ${option} was declared as ${describe(a)}, now ${describe(b)}; ` +
              "declare each kind's informer options once",
          );
      }
    }
    return informer;
  }

  /**
   * The informer a controller's watch of kind reads: `options` when the watch declares them (as informerFor), else
   * whatever the kind was declared with.
   *
   * Guarantees: a watch that declares no transform never silently reads objects another controller's transform
   * trimmed (one controller's narrow cache view is not another's): it throws, naming the kind, the transform and the
   * watcher, so two controllers that read a kind differently cannot share a manager unnoticed.
   * Caveats: the reverse order (a plain watch first, a transform declared after) is caught by informerFor's conflict
   * check.
   */
  informerForWatch<T extends KubeObject>(
    kind: Kind<T>,
    options: InformerOptions<T> | undefined,
    watcher: string,
  ): Informer<T> {
    if (options !== undefined) return this.informerFor(kind, options);
    const key = kindKey(kind);
    const transform = this.declared.get(key)?.transform;
    if (transform !== undefined)
      throw new Error(
        `${watcher} watches ${key} without a transform, but its informer was declared with ${describe(transform)}: ` +
          "declare the same transform on this watch (it then reads the trimmed objects) or run it in its own manager",
      );
    return this.informerFor(kind);
  }

  /** Starts every informer; they run until signal aborts. */
  start(signal: AbortSignal): void {
    if (this.signal) return;
    this.signal = signal;
    for (const informer of this.informers.values()) this.runs.push(informer.run(signal));
  }

  /** Resolves when every informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs);
  }

  /** True when every informer has synced. */
  hasSynced(): boolean {
    for (const informer of this.informers.values()) if (!informer.hasSynced()) return false;
    return true;
  }

  /** Waits until every informer known now has synced. */
  async waitForSync(signal?: AbortSignal): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
  }

  /** One object from the cache. */
  get<T extends KubeObject>(
    kind: Kind<T>,
    namespace: string | undefined,
    name: string,
  ): ReadOnly<T> | undefined {
    return this.informerFor(kind).store.get(keyOf(kind.namespaced ? namespace : undefined, name));
  }

  /** Objects of a kind, narrowed by the cheapest matching index, then filtered. */
  list<T extends KubeObject>(kind: Kind<T>, options: CacheListOptions = {}): ReadOnly<T>[] {
    const store = this.informerFor(kind).store;
    const labelPairs = Object.entries(options.labels ?? {});
    let candidates: ReadOnly<T>[];
    if (options.controllerUID) candidates = store.byIndex(Indexes.controllerUID, options.controllerUID);
    else if (labelPairs.length > 0)
      candidates = store.byIndex(Indexes.label, `${labelPairs[0]![0]}=${labelPairs[0]![1]}`);
    else if (options.namespace) candidates = store.byIndex(Indexes.namespace, options.namespace);
    else candidates = store.list();
    return candidates.filter((obj) => {
      const meta = (obj as KubeObject).metadata;
      if (options.namespace && meta?.namespace !== options.namespace) return false;
      for (const [k, v] of labelPairs) if (meta?.labels?.[k] !== v) return false;
      if (
        options.controllerUID &&
        !meta?.ownerReferences?.some((r) => r.controller && r.uid === options.controllerUID)
      ) {
        return false;
      }
      return true;
    });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "unset";
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  return JSON.stringify(value);
}
