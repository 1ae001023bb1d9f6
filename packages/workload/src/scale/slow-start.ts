/**
 * Creating many pods at once against a failing API (quota, admission webhook down) would produce as many
 * errors. Like the ReplicaSet controller, start with one call and double the batch after each fully
 * successful batch; stop after the first batch with a failure.
 */
export function slowStartBatchSizes(count: number, initialBatchSize = 1): number[] {
  const sizes: number[] = [];
  let remaining = Math.max(count, 0);
  let size = Math.min(remaining, Math.max(initialBatchSize, 1));
  while (size > 0) {
    sizes.push(size);
    remaining -= size;
    size = Math.min(size * 2, remaining);
  }
  return sizes;
}

export interface SlowStartResult {
  readonly successes: number;
  /** The first error of the batch that stopped the run. */
  readonly error?: unknown;
}

/** Calls `fn(i)` for i in [0, count) in slow-start batches; each batch runs concurrently. */
export async function runSlowStart(
  count: number,
  fn: (index: number) => Promise<void>,
  initialBatchSize = 1,
): Promise<SlowStartResult> {
  let index = 0;
  let successes = 0;
  for (const size of slowStartBatchSizes(count, initialBatchSize)) {
    const results = await Promise.allSettled(Array.from({ length: size }, (_, i) => fn(index + i)));
    index += size;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    successes += results.filter((r) => r.status === "fulfilled").length;
    if (failed !== undefined) return { successes, error: failed.reason };
  }
  return { successes };
}
