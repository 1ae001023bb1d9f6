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

/**
 * Creates `count` objects like the ReplicaSet controller's slow start (1, 2, 4, … so a failing API costs one error,
 * not hundreds), but once a batch reaches `window` it switches to a sliding window of that many calls in flight:
 * no gap waits for the slowest call of a batch, so the rate limiter stays busy while work is pending. Stops
 * starting new calls after the first failure. Returns which indexes were attempted and the first error.
 */
export async function slowStartWindow(
  count: number,
  window: number,
  fn: (index: number) => Promise<void>,
): Promise<{ attempted: Set<number>; error: unknown }> {
  const attempted = new Set<number>();
  let error: unknown;
  let failed = false;
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
      } catch (err) {
        if (!failed) error = err;
        failed = true;
      }
    }
  };
  if (!failed && index < count)
    await Promise.all(Array.from({ length: Math.min(window, count - index) }, () => worker()));
  return { attempted, error };
}
