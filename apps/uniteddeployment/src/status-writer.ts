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

/** Writes the status when it differs from the cached one; returns whether it wrote. */
export async function writeUnitedStatus(
  client: Client,
  ud: UnitedDeployment,
  status: UnitedDeploymentStatus,
): Promise<boolean> {
  const previous = JSON.parse(JSON.stringify(ud.status ?? {})) as Json;
  const wanted = JSON.parse(JSON.stringify(status)) as Json;
  if (jsonEqual(previous, wanted)) return false;
  await client.patchStatus(UnitedDeploymentKind, ud.metadata?.name ?? "", ud.metadata?.namespace, "merge", {
    status: mergePatchBetween(previous, wanted),
  });
  return true;
}
