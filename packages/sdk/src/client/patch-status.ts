import type { ReadOnly } from "../informer/read-only.ts";
import type { Kind } from "../kind.ts";
import { jsonEqual } from "../meta/json.ts";
import type { Client, KubeObject } from "./types.ts";

/**
 * Writes `next` as the status of `obj` when it differs from `obj.status` (as read from the cache), so a converged
 * object costs no API write. A JSON merge patch of the status subresource, without a resourceVersion: one worker
 * owns a key at a time and the whole status is recomputed every reconcile, so last-writer-wins is right, and a
 * cache that lags our previous write costs no conflict-and-retry. Returns whether it wrote.
 *
 * Guarantees: a top-level status field present before and absent (or undefined, or an empty list, as Go's
 * `omitempty` would drop it) in `next` is sent as `null`, so it is removed; absent and empty compare equal.
 * Caveats: nested objects are merged by the API server (RFC 7386); arrays are replaced whole. A nested object
 * field that should disappear must be set to null by the caller.
 */
export async function patchStatusIfChanged<T extends KubeObject & { status?: unknown }>(
  client: Client,
  kind: Kind<T>,
  obj: ReadOnly<T>,
  next: NonNullable<T["status"]>,
): Promise<boolean> {
  const previous = omitEmpty(obj.status);
  const wanted = omitEmpty(next);
  if (jsonEqual(previous, wanted)) return false;
  const patch: Record<string, unknown> = { ...wanted };
  for (const key of Object.keys(previous)) if (!(key in patch)) patch[key] = null;
  await client.patchStatus(kind, obj.metadata?.name ?? "", obj.metadata?.namespace, "merge", {
    status: patch,
  });
  return true;
}

function omitEmpty(status: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((status ?? {}) as Record<string, unknown>))
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0))
      out[key] = value;
  return out;
}
