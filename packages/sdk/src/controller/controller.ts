import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { isConflict } from "../client/errors.ts";
import type { Client } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import type { Cache } from "../informer/cache.ts";
import { keyOf, splitKey } from "../informer/keys.ts";
import type { Priority, WorkQueueOptions } from "../queue/work-queue.ts";
import { WorkQueue } from "../queue/work-queue.ts";
import type { ControllerMetrics } from "./controller-metrics.ts";
import { controllerMetrics } from "./controller-metrics.ts";
import { isTerminalError } from "./terminal-error.ts";
import type { Reconciler, Recorder, Request } from "./types.ts";

/** What a Controller needs from its manager. */
export interface ControllerDeps {
  name: string;
  /** Called with the per-reconcile context; the builder binds the controller's own deps. */
  reconciler: Reconciler;
  workers: number;
  client: Client;
  cache: Cache;
  recorder: Recorder;
  clock: Clock;
  log: Logger;
  registry: Registry;
  queue?: Omit<WorkQueueOptions, "name" | "clock" | "registry">;
}

/**
 * A named work queue plus a bounded pool of workers calling one reconcile function. Watches (set up by the builder)
 * only enqueue keys; start() runs the workers; shutdown() stops taking keys and lets in-flight reconciles finish
 * until a deadline, then aborts their signal.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly deps: ControllerDeps;
  private readonly metrics: ControllerMetrics;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];
  private started = false;

  constructor(deps: ControllerDeps) {
    if (!Number.isInteger(deps.workers) || deps.workers < 1) {
      throw new Error(`controller ${deps.name}: workers must be a positive integer, got ${deps.workers}`);
    }
    this.name = deps.name;
    this.deps = deps;
    this.log = deps.log.child({ controller: deps.name });
    this.metrics = controllerMetrics(deps.registry);
    this.queue = new WorkQueue({
      name: deps.name,
      clock: deps.clock,
      registry: deps.registry,
      ...deps.queue,
    });
    this.metrics.maxConcurrentReconciles.set({ controller: deps.name }, deps.workers);
    this.metrics.activeWorkers.set({ controller: deps.name }, 0);
  }

  /** Queues a request. */
  enqueue(request: Request, priority: Priority = "normal"): void {
    this.queue.add(keyOf(request.namespace, request.name), priority);
  }

  /** Drops a request's delayed requeue and backoff (its object is gone). */
  forgetDelayed(request: Request): void {
    this.queue.forgetDelayed(keyOf(request.namespace, request.name));
  }

  /** Starts the workers. They run until shutdown(). `signal` aborting (e.g. lost leadership) aborts reconciles at once. */
  start(signal?: AbortSignal): void {
    if (this.started) return;
    this.started = true;
    signal?.addEventListener("abort", () => this.abort.abort(signal.reason), { once: true });
    this.log.info({ workers: this.deps.workers }, "starting workers");
    for (let i = 0; i < this.deps.workers; i++) this.workers.push(this.work());
  }

  /** Stops taking work; waits up to deadlineMs for in-flight reconciles; then aborts them. Resolves true if all finished. */
  async shutdown(deadlineMs: number): Promise<boolean> {
    const finished = await this.queue.shutDownAndDrain(deadlineMs);
    if (!finished) {
      this.log.warn(
        { deadlineMs, inFlight: this.queue.inFlight },
        "shutdown deadline passed with reconciles in flight; aborting them",
      );
    }
    this.abort.abort(new Error("controller shut down"));
    if (finished) await Promise.all(this.workers);
    return finished;
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      try {
        await this.reconcileKey(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async reconcileKey(key: string): Promise<void> {
    const request = splitKey(key);
    const labels = { controller: this.name };
    const log = this.log.child({
      namespace: request.namespace,
      name: request.name,
      reconcileID: randomUUID(),
    });
    const started = performance.now();
    this.metrics.activeWorkers.inc(labels);
    try {
      const result = await this.deps.reconciler(
        request,
        {
          log,
          client: this.deps.client,
          cache: this.deps.cache,
          recorder: this.deps.recorder,
          clock: this.deps.clock,
          signal: this.abort.signal,
        },
        undefined,
      );
      if (result?.requeueAfter !== undefined && result.requeueAfter > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfter);
        this.metrics.reconcileTotal.inc({ ...labels, result: "requeue_after" });
      } else if (result?.requeue) {
        this.queue.addRateLimited(key);
        this.metrics.reconcileTotal.inc({ ...labels, result: "requeue" });
      } else {
        this.queue.forget(key);
        this.metrics.reconcileTotal.inc({ ...labels, result: "success" });
      }
    } catch (err) {
      if (isTerminalError(err)) {
        // A retry cannot fix it: report once, keep the key out of backoff; its next change brings it back.
        this.queue.forget(key);
        this.metrics.reconcileErrors.inc(labels);
        this.metrics.terminalErrors.inc(labels);
        this.metrics.reconcileTotal.inc({ ...labels, result: "error" });
        log.error({ err }, "reconcile failed with a terminal error; not retrying");
        return;
      }
      // A failed reconcile is retried with backoff; it must never take the process (or other keys) down.
      this.queue.addRateLimited(key);
      this.metrics.reconcileErrors.inc(labels);
      this.metrics.reconcileTotal.inc({ ...labels, result: "error" });
      const retries = this.queue.numRequeues(key);
      // A conflict only means the cache was behind a write; the retry reads the newer object. No stack needed.
      if (isConflict(err)) log.info({ retries, reason: err.message }, "conflict; retrying with a fresh read");
      else log.error({ err, retries }, "reconcile failed; retrying with backoff");
    } finally {
      this.metrics.activeWorkers.dec(labels);
      this.metrics.reconcileTime.observe(labels, (performance.now() - started) / 1000);
    }
  }
}
