import { ConflictError } from "./errors.ts";

/** Backoff between conflict retries, client-go's retry.DefaultRetry: 5 steps starting at 10 ms, factor 1, jitter 0.1. */
export interface RetryOptions {
  steps?: number;
  delayMs?: number;
  factor?: number;
  jitter?: number;
  signal?: AbortSignal;
}

/**
 * Runs fn, and runs it again while it fails with a ConflictError, up to `steps` attempts. fn must re-read the object
 * each time (that is the point: a conflict means what it read was stale). Any other error is rethrown at once.
 */
export async function retryOnConflict<R>(fn: () => Promise<R>, options: RetryOptions = {}): Promise<R> {
  const steps = options.steps ?? 5;
  let delay = options.delayMs ?? 10;
  const factor = options.factor ?? 1;
  const jitter = options.jitter ?? 0.1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= steps) throw err;
    }
    options.signal?.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, delay * (1 + Math.random() * jitter)));
    delay *= factor;
  }
}
