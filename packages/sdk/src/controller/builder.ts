import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Client, KubeObject } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import type { ResourceVersionExpectations } from "../expectations/resource-version-expectations.ts";
import type { ScaleExpectations } from "../expectations/scale-expectations.ts";
import type { Cache } from "../informer/cache.ts";
import type { EventHandler, InformerOptions } from "../informer/informer.ts";
import { keyOf } from "../informer/keys.ts";
import type { ReadOnly } from "../informer/read-only.ts";
import type { CloudEvent } from "../eventbus/cloud-event.ts";
import type { Kind } from "../kind.ts";
import { apiVersionOf } from "../kind.ts";
import type { RateLimiterOptions } from "../queue/rate-limiter.ts";
import { Controller } from "./controller.ts";
import type {
  EventSubscriber,
  MapFunc,
  Predicate,
  Reconciler,
  Recorder,
  Request,
  WatchEventInfo,
} from "./types.ts";

/** What the builder needs from the manager that owns it. */
export interface ControllerHost {
  cache: Cache;
  clientFor(controller: string): Client;
  recorderFor(controller: string): Recorder;
  eventBus(): EventSubscriber | undefined;
  clock: Clock;
  log: Logger;
  registry: Registry;
  register(controller: Controller, cleanup: () => void): void;
}

interface KindWatch {
  kind: Kind<KubeObject>;
  /** The for() kind: a deleted object's delayed requeues and backoff are dropped (its final reconcile still runs). */
  reconciled?: boolean;
  map: (event: WatchEventInfo) => Request[];
  predicates: Predicate[];
  /** Runs on every event before predicates and before anything is enqueued. */
  observe?: (event: WatchEventInfo) => void;
  informer?: InformerOptions<KubeObject>;
}

/** Expectations an owned kind's events satisfy (the event-handler slot of `owns`). */
export interface OwnedExpectations {
  /** Creates and deletes the owner made: an add is a create seen, a deletionTimestamp or a delete a delete seen. */
  scale?: ScaleExpectations;
  /** resourceVersions the owner wrote: every add and update is observed, a delete forgets the object. */
  versions?: ResourceVersionExpectations;
  /**
   * The name `scale` knows a child by; default its metadata.name. For children created with generateName, whose
   * name the owner cannot expect before the create returns, the owner expects another stable name (a label's value,
   * say) and says here how to read it; a child without one (undefined) lowers nothing.
   */
  scaleName?: (child: ReadOnly<KubeObject>) => string | undefined;
}

/** Options of `for`, `owns` and `watches`. */
export interface WatchOptions<T> {
  predicates?: Predicate<T>[];
  /** This kind's informer options (scope, transform …), declared once per kind in the manager. */
  informer?: InformerOptions<T>;
}

/** Options of `owns`. */
export interface OwnsOptions<T> extends WatchOptions<T> {
  /**
   * Fed from this kind's events, keyed by the owner's request key (`namespace/name`), before the owner is enqueued:
   * by the time the reconcile runs, the expectation already knows what the cache shows.
   */
  expectations?: OwnedExpectations;
}

/**
 * Declares a controller, controller-runtime style:
 * `mgr.controller("x").for(Kind).owns(Child).watches(Other, mapFn).withPredicates(p).workers(2).reconcile(fn)`.
 * Nothing happens until reconcile() is called; it registers the controller with the manager and returns it.
 */
export class ControllerBuilder {
  private readonly host: ControllerHost;
  private readonly name: string;
  private forKind: Kind<KubeObject> | undefined;
  private readonly kindWatches: KindWatch[] = [];
  private readonly busWatches: Array<{ subject: string; map: (e: CloudEvent) => Request[] }> = [];
  private readonly predicates: Predicate[] = [];
  private workerCount = 1;
  private rateLimits: RateLimiterOptions = {};

  constructor(host: ControllerHost, name: string) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
      throw new Error(
        `controller name ${JSON.stringify(name)} must be lower-case letters, digits and dashes (it labels metrics)`,
      );
    }
    this.host = host;
    this.name = name;
  }

  /** The kind this controller reconciles: its events enqueue the object's own key. */
  for<T extends KubeObject>(kind: Kind<T>, ...predicates: Predicate<T>[]): this;
  for<T extends KubeObject>(kind: Kind<T>, options: WatchOptions<T>): this;
  for<T extends KubeObject>(kind: Kind<T>, ...rest: Array<Predicate<T> | WatchOptions<T>>): this {
    if (this.forKind) throw new Error(`controller ${this.name}: for() was already called`);
    const options = watchOptions(rest);
    this.forKind = kind;
    this.kindWatches.push({
      kind: kind,
      reconciled: true,
      map: (e) => [requestOf(e.object)],
      predicates: (options.predicates ?? []) as Predicate[],
      ...informerOf(options),
    });
    return this;
  }

  /**
   * A kind this controller creates: its events enqueue the owner named by the controller ownerReference. With
   * `{ expectations }` the events first feed the owner's scale and resourceVersion expectations (the event-handler
   * slot), so no controller registers a raw informer handler that must come first.
   */
  owns<T extends KubeObject>(kind: Kind<T>, ...predicates: Predicate<T>[]): this;
  owns<T extends KubeObject>(kind: Kind<T>, options: OwnsOptions<T>): this;
  owns<T extends KubeObject>(kind: Kind<T>, ...rest: Array<Predicate<T> | OwnsOptions<T>>): this {
    const options = watchOptions<T, OwnsOptions<T>>(rest);
    const expectations = options.expectations;
    this.kindWatches.push({
      kind: kind,
      map: (e) => {
        const owners = [...this.ownersOf(e.object)];
        if (e.oldObject) owners.push(...this.ownersOf(e.oldObject));
        return dedup(owners);
      },
      predicates: (options.predicates ?? []) as Predicate[],
      ...informerOf(options),
      ...(expectations !== undefined
        ? { observe: (e: WatchEventInfo) => this.feedExpectations(expectations, e) }
        : {}),
    });
    return this;
  }

  /** Any kind, mapped to requests by mapFn. */
  watches<T extends KubeObject>(kind: Kind<T>, mapFn: MapFunc<T>, ...predicates: Predicate<T>[]): this;
  watches<T extends KubeObject>(kind: Kind<T>, mapFn: MapFunc<T>, options: WatchOptions<T>): this;
  watches<T extends KubeObject>(
    kind: Kind<T>,
    mapFn: MapFunc<T>,
    ...rest: Array<Predicate<T> | WatchOptions<T>>
  ): this {
    const options = watchOptions(rest);
    this.kindWatches.push({
      kind: kind,
      map: (e) =>
        dedup([...mapFn(e.object as ReadOnly<T>), ...(e.oldObject ? mapFn(e.oldObject as ReadOnly<T>) : [])]),
      predicates: (options.predicates ?? []) as Predicate[],
      ...informerOf(options),
    });
    return this;
  }

  /**
   * EventBus subject (wildcards allowed) mapped to requests. A message only enqueues keys: the informer stays the
   * source of truth, so a lost message costs latency, never correctness. Without a bus this is a no-op.
   */
  watchesEvents(subject: string, mapFn: (e: CloudEvent) => Request[]): this {
    this.busWatches.push({ subject, map: mapFn });
    return this;
  }

  /** Predicates applied to every kind watched by this controller. */
  withPredicates(...predicates: Predicate[]): this {
    this.predicates.push(...predicates);
    return this;
  }

  /** Maximum concurrent reconciles (distinct keys). Default 1. */
  workers(n: number): this {
    this.workerCount = n;
    return this;
  }

  /** Retry backoff and overall retry rate for this controller's queue (client-go defaults otherwise). */
  withRateLimits(options: RateLimiterOptions): this {
    this.rateLimits = options;
    return this;
  }

  /**
   * Finishes the declaration and registers the controller with the manager. `deps` (the controller's own
   * dependencies: expectations, feature gates, a bus publisher …) is handed to every reconcile as its third argument,
   * beside the per-reconcile context.
   */
  reconcile(reconciler: Reconciler): Controller;
  reconcile<D>(reconciler: Reconciler<D>, deps: D): Controller;
  reconcile<D>(reconciler: Reconciler<D>, deps?: D): Controller {
    if (!this.forKind && this.kindWatches.length === 0 && this.busWatches.length === 0) {
      throw new Error(`controller ${this.name}: call for(kind) (or watches) before reconcile()`);
    }
    const host = this.host;
    const controller = new Controller({
      name: this.name,
      reconciler: (request, ctx) => reconciler(request, ctx, deps as D),
      workers: this.workerCount,
      client: host.clientFor(this.name),
      cache: host.cache,
      recorder: host.recorderFor(this.name),
      clock: host.clock,
      log: host.log,
      registry: host.registry,
      queue: this.rateLimits,
    });
    const cleanups: Array<() => void> = [];
    // Informer options first, so each kind is created with what its watch declared (a conflict throws here), then
    // the plain watches, which are refused on a kind another controller trims.
    const declared = new Set<Kind<KubeObject>>();
    for (const w of this.kindWatches)
      if (w.informer !== undefined) {
        host.cache.informerForWatch(w.kind, w.informer, this.name);
        declared.add(w.kind);
      }
    for (const w of this.kindWatches)
      if (w.informer === undefined && !declared.has(w.kind))
        host.cache.informerForWatch(w.kind, undefined, this.name);
    for (const w of this.kindWatches) {
      const predicates = [...this.predicates, ...w.predicates];
      const observe = w.observe;
      const emit = (event: WatchEventInfo): void => {
        observe?.(event);
        if (!predicates.every((p) => p(event))) return;
        for (const request of w.map(event)) controller.enqueue(request, event.initialList ? "low" : "normal");
      };
      const handler: EventHandler<KubeObject> = {
        onAdd: (object, initialList) => emit({ type: "add", object, initialList }),
        onUpdate: (oldObject, object) => emit({ type: "update", object, oldObject }),
        onDelete: (object) => {
          if (w.reconciled) controller.forgetDelayed(requestOf(object));
          emit({ type: "delete", object });
        },
      };
      cleanups.push(host.cache.informerFor(w.kind).addEventHandler(handler));
    }
    const bus = host.eventBus();
    for (const w of this.busWatches) {
      if (!bus) {
        host.log.warn(
          { controller: this.name, subject: w.subject },
          "no EventBus configured; watchesEvents is inactive",
        );
        continue;
      }
      cleanups.push(
        bus.subscribe(w.subject, (e) => {
          try {
            for (const request of w.map(e)) controller.enqueue(request);
          } catch (err) {
            host.log.error({ err, controller: this.name, subject: w.subject }, "event map function threw");
          }
        }),
      );
    }
    host.register(controller, () => cleanups.forEach((c) => c()));
    return controller;
  }

  /** The expectations slot: what the cache now shows of the owner's own writes. */
  private feedExpectations(expectations: OwnedExpectations, e: WatchEventInfo): void {
    const name = expectations.scaleName ? expectations.scaleName(e.object) : (e.object.metadata?.name ?? "");
    for (const owner of this.ownersOf(e.object)) {
      if (name === undefined) break;
      const key = keyOf(owner.namespace, owner.name);
      if (e.type === "add") expectations.scale?.creationObserved(key, name);
      else if (e.type === "delete") expectations.scale?.deletionObserved(key, name);
      else if (
        e.oldObject?.metadata?.deletionTimestamp === undefined &&
        e.object.metadata?.deletionTimestamp !== undefined
      )
        expectations.scale?.deletionObserved(key, name);
    }
    if (e.type === "delete") expectations.versions?.delete(e.object.metadata?.uid ?? "");
    else expectations.versions?.observe(e.object as KubeObject);
  }

  private ownersOf(obj: ReadOnly<KubeObject>): Request[] {
    const owner = this.forKind;
    if (!owner) return [];
    const apiVersion = apiVersionOf(owner);
    const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (!ref || ref.kind !== owner.kind || ref.apiVersion.split("/")[0] !== apiVersion.split("/")[0])
      return [];
    // Owners are in the same namespace as what they own (or cluster-scoped).
    return [{ namespace: owner.namespaced ? (obj.metadata?.namespace ?? "") : "", name: ref.name }];
  }
}

function requestOf(obj: ReadOnly<KubeObject>): Request {
  return { namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" };
}

function dedup(requests: Request[]): Request[] {
  const seen = new Set<string>();
  return requests.filter((r) => {
    const k = `${r.namespace}/${r.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The trailing arguments of for/owns/watches: predicates, or one options object. */
function watchOptions<T, O extends WatchOptions<T>>(rest: Array<Predicate<T> | O>): O {
  if (rest.length === 1 && typeof rest[0] === "object") return rest[0];
  return { predicates: rest.filter((r): r is Predicate<T> => typeof r === "function") } as O;
}

function informerOf<T>(options: WatchOptions<T>): { informer?: InformerOptions<KubeObject> } {
  return options.informer !== undefined
    ? { informer: options.informer as unknown as InformerOptions<KubeObject> }
    : {};
}
