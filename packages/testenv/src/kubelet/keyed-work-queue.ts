/** What a handler asks for: nothing, or another pass for the same key after `requeueAfterMs`. */
export type HandlerResult = { requeueAfterMs: number } | undefined;

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * A work queue keyed by object: one pass per key at a time, at most `concurrency` passes in flight,
 * a key added while in flight runs once more afterwards, failures retry with per-key backoff.
 * Each pass reads the latest object, so bursts of events for one pod collapse into one write.
 */
export class KeyedWorkQueue {
  readonly #concurrency: number;
  readonly #handler: (key: string) => Promise<HandlerResult>;
  readonly #onError: (key: string, error: unknown) => void;
  readonly #pending: string[] = [];
  #head = 0;
  readonly #queued = new Set<string>();
  readonly #active = new Set<string>();
  readonly #dirty = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  readonly #idleWaiters: Array<() => void> = [];
  #stopped = false;

  constructor(
    concurrency: number,
    handler: (key: string) => Promise<HandlerResult>,
    onError: (key: string, error: unknown) => void,
  ) {
    this.#concurrency = concurrency;
    this.#handler = handler;
    this.#onError = onError;
  }

  get depth(): number {
    return this.#queued.size + this.#active.size;
  }

  add(key: string): void {
    if (this.#stopped) return;
    if (this.#active.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#pending.push(key);
    this.#pump();
  }

  /** Adds the key after `ms`, keeping only the earliest pending timer per key. */
  addAfter(key: string, ms: number): void {
    if (this.#stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const existing = this.#timers.get(key);
    if (existing !== undefined) {
      if (existing.at <= at) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#timers.set(key, { at, timer });
  }

  /** Drops pending timers and failure counts of a key that no longer exists. */
  forget(key: string): void {
    const existing = this.#timers.get(key);
    if (existing !== undefined) clearTimeout(existing.timer);
    this.#timers.delete(key);
    this.#failures.delete(key);
  }

  /** Resolves when nothing is queued or in flight (timers may still be pending). */
  async idle(): Promise<void> {
    if (this.depth === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  #pump(): void {
    while (!this.#stopped && this.#active.size < this.#concurrency && this.#head < this.#pending.length) {
      const key = this.#pending[this.#head++] as string;
      if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
        this.#pending.splice(0, this.#head);
        this.#head = 0;
      }
      this.#queued.delete(key);
      this.#active.add(key);
      void this.#run(key);
    }
    if (this.depth === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #run(key: string): Promise<void> {
    try {
      const result = await this.#handler(key);
      this.#failures.delete(key);
      if (result !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const failures = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, failures);
      this.#onError(key, error);
      this.addAfter(key, Math.min(MIN_BACKOFF_MS * 2 ** (failures - 1), MAX_BACKOFF_MS));
    } finally {
      this.#active.delete(key);
      if (this.#dirty.delete(key)) this.add(key);
      this.#pump();
    }
  }
}
