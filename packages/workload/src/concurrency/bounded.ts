/**
 * Most API calls one reconcile keeps in flight. The client's token bucket sets the pace; this only bounds how many
 * requests (and their bodies) wait in memory, which matters with thousands of pods.
 */
export const MAX_IN_FLIGHT = 64;

/**
 * Runs fn over items with at most `limit` calls in flight. Every call runs (errors do not stop the others);
 * returns the settled results in order. Bounding what is in flight keeps memory flat with thousands of pods:
 * the client's token bucket decides throughput anyway, so more concurrency only queues requests in memory.
 */
export async function settleWithLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i] as T, i) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
  return results;
}

export interface SlowStartResult {
  /** Indexes whose call was started (the rest were never tried: nothing was written for them). */
  readonly attempted: Set<number>;
  /** How many started calls succeeded. */
  readonly succeeded: number;
  /** The first error; undefined when every call succeeded. */
  readonly error: unknown;
}

/**
 * Creates `count` objects like the ReplicaSet controller's slow start (1, 2, 4, … so a failing API costs one error,
 * not hundreds), but once a batch reaches `window` it switches to a sliding window of that many calls in flight:
 * no gap waits for the slowest call of a batch, so the rate limiter stays busy while work is pending. Stops
 * starting new calls after the first failure.
 *
 * Guarantees: at most `window` calls in flight; after a failure no new call starts (calls in flight finish).
 */
export async function slowStartWindow(
  count: number,
  window: number,
  fn: (index: number) => Promise<void>,
): Promise<SlowStartResult> {
  const attempted = new Set<number>();
  let error: unknown;
  let failed = false;
  let succeeded = 0;
  let index = 0;
  let batch = 1;
  while (index < count && batch < window && !failed) {
    const size = Math.min(batch, count - index);
    const start = index;
    index += size;
    const settled = await Promise.allSettled(
      Array.from({ length: size }, (_, i) => {
        attempted.add(start + i);
        return fn(start + i);
      }),
    );
    succeeded += settled.filter((r) => r.status === "fulfilled").length;
    const rejected = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (rejected !== undefined) {
      failed = true;
      error = rejected.reason;
    }
    batch *= 2;
  }
  const worker = async (): Promise<void> => {
    while (!failed && index < count) {
      const i = index++;
      attempted.add(i);
      try {
        await fn(i);
        succeeded++;
      } catch (err) {
        if (!failed) error = err;
        failed = true;
      }
    }
  };
  if (!failed && index < count)
    await Promise.all(Array.from({ length: Math.min(window, count - index) }, () => worker()));
  return { attempted, succeeded, error };
}
