import type { KubeObject } from "../client/types.ts";
import type { ScaleExpectations } from "../expectations/scale-expectations.ts";
import type { ReadOnly } from "../informer/read-only.ts";
import { keyOf } from "../informer/keys.ts";
import type { Kind } from "../kind.ts";
import type { ReconcileContext, ReconcileResult, Request } from "./types.ts";

/** How long to look again while a controller's own writes are not in the cache yet (events normally come sooner). */
export const CACHE_LAG_REQUEUE_MS = 2_000;

/**
 * The owner a request names, read from the cache, for a controller that creates and deletes children under
 * ScaleExpectations keyed by the owner (`namespace/name`, the key the builder's `owns` slot feeds).
 *
 * Guarantees: when the owner is gone from the cache, its expectations are forgotten (a new owner of the same name
 * starts clean) and the answer is undefined.
 * Caveats: a cached object is frozen and shared; write through a copy.
 */
export function cachedOwner<T extends KubeObject>(
  ctx: Pick<ReconcileContext, "cache">,
  kind: Kind<T>,
  request: Request,
  expectations: ScaleExpectations,
): ReadOnly<T> | undefined {
  const owner = ctx.cache.get(kind, request.namespace, request.name);
  if (owner === undefined) expectations.delete(keyOf(request.namespace, request.name));
  return owner;
}

/**
 * The wait while the cache has not shown the creates and deletes expected for key: a requeue after requeueAfterMs
 * (default CACHE_LAG_REQUEUE_MS; the child's watch event normally wakes the owner sooner), logged with what is outstanding; undefined when
 * the cache is caught up (or the expectations timed out) and the reconcile may trust its counts.
 */
export function waitForScaleExpectations(
  ctx: Pick<ReconcileContext, "log">,
  expectations: ScaleExpectations,
  key: string,
  requeueAfterMs: number = CACHE_LAG_REQUEUE_MS,
): ReconcileResult | undefined {
  if (expectations.satisfied(key)) return undefined;
  ctx.log.debug(
    { outstanding: expectations.outstanding(key) },
    "waiting for the cache to show our creates and deletes",
  );
  return { requeueAfter: requeueAfterMs };
}
