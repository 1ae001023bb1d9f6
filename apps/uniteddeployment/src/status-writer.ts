import { UnitedDeploymentKind, type UnitedDeployment, type UnitedDeploymentStatus } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import { jsonEqual } from "@kruise/workload";

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The JSON merge patch (RFC 7386) that turns `from` into `to`: nested maps are diffed, so a key that left
 * `subsetReplicas` or `currentPartitions` is sent as null (a plain top-level merge would leave it behind, and the
 * next reconcile would write again). Arrays are replaced whole.
 */
export function mergePatchBetween(from: Json, to: Json): Json {
  if (!isObject(from) || !isObject(to)) return to;
  const patch: Record<string, Json> = {};
  for (const key of Object.keys(from)) if (!(key in to) || to[key] === undefined) patch[key] = null;
  for (const [key, value] of Object.entries(to)) {
    if (value === undefined) continue;
    if (jsonEqual(from[key], value)) continue;
    patch[key] = isObject(from[key]) && isObject(value) ? mergePatchBetween(from[key], value) : value;
  }
  return patch;
}

/**
 * Writes the status when it differs from the cached one; returns the UnitedDeployment as the server returned it
 * after the write (undefined when nothing was written).
 *
 * Caveats: the patch carries no resourceVersion, and part of the status (the conditions, which are only set when
 * something happened) is carried forward from the cached copy; so the caller must not compute a status from a cached
 * copy older than its own last write (`UnitedDeploymentDeps.ownStatusVersions`), or it sends back the older conditions.
 */
export async function writeUnitedStatus(
  client: Client,
  ud: UnitedDeployment,
  status: UnitedDeploymentStatus,
): Promise<UnitedDeployment | undefined> {
  const previous = JSON.parse(JSON.stringify(ud.status ?? {})) as Json;
  const wanted = JSON.parse(JSON.stringify(status)) as Json;
  if (jsonEqual(previous, wanted)) return undefined;
  return await client.patchStatus(
    UnitedDeploymentKind,
    ud.metadata?.name ?? "",
    ud.metadata?.namespace,
    "merge",
    {
      status: mergePatchBetween(previous, wanted),
    },
  );
}
