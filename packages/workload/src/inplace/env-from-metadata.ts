// Env from metadata (OpenKruise's InPlaceUpdateEnvFromMetadata): a container env var that takes its value from the
// pod's own labels or annotations through the downward API (`valueFrom.fieldRef.fieldPath:
// metadata.labels['<key>']`) gets that value when the container starts. A template change of such a label or
// annotation is applied in place by patching the pod's metadata and restarting the containers that use it; these
// are the pure parts both the workload controllers and kruise-daemon use: which containers use which keys, and the
// hash of the values a container expects or was started with.
import type { Container, EnvVar } from "kubernetes-types/core/v1.js";
import { SIDECARSET_VERSION_ENVS } from "@kruise/api";
import { goJson } from "../template/go-json.ts";
import { deepHashPrint, fnv1aHash32 } from "../revision/hash.ts";

/** The pod metadata fields an env var may be taken from, as the downward API spells them. */
export type MetadataField = "labels" | "annotations";

/** Labels and annotations a container needs changed (OpenKruise's containerRefMetadata entry, an ObjectMeta). */
export interface ContainerRefMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface MetadataRef {
  readonly field: MetadataField;
  readonly key: string;
}

const excluded = new Set(SIDECARSET_VERSION_ENVS);

/**
 * Splits a downward-API path with a subscript, `metadata.labels['a/b']`, as Kubernetes' SplitMaybeSubscriptedPath:
 * the part before the first `['` and the part up to the closing `']`.
 */
export function splitSubscriptedPath(fieldPath: string): { path: string; subscript: string } | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return { path: inner.slice(0, at), subscript: inner.slice(at + 2) };
}

/**
 * The label or annotation an env var takes its value from; undefined for any other env (a plain value, another
 * fieldRef, a resourceFieldRef, a SidecarSet's version envs).
 */
export function envMetadataRef(env: EnvVar): MetadataRef | undefined {
  if ((env.value ?? "") !== "" || env.valueFrom?.fieldRef === undefined) return undefined;
  if (excluded.has(env.name)) return undefined;
  const split = splitSubscriptedPath(env.valueFrom.fieldRef.fieldPath);
  if (split === undefined) return undefined;
  if (split.path === "metadata.labels") return { field: "labels", key: split.subscript };
  if (split.path === "metadata.annotations") return { field: "annotations", key: split.subscript };
  return undefined;
}

/** The container's env vars that take their value from a label or annotation, with the key each reads. */
function envFromMetadataVars(container: Container): Array<{ name: string; ref: MetadataRef }> {
  const vars: Array<{ name: string; ref: MetadataRef }> = [];
  for (const e of container.env ?? []) {
    const ref = envMetadataRef(e);
    if (ref !== undefined) vars.push({ name: e.name, ref });
  }
  return vars;
}

/** Whether the container has an env var from that label or annotation (OpenKruise's IsContainerReferenceToMeta). */
export function containerUsesMetadata(container: Container, field: MetadataField, key: string): boolean {
  return envFromMetadataVars(container).some(({ ref }) => ref.field === field && ref.key === key);
}

const encoder = new TextEncoder();

/**
 * The hash of env values OpenKruise records as `extractedEnvFromMetadataHash`: the env vars (name and value, the
 * value left out when empty) sorted by name, encoded as Go encodes a `[]EnvVar` (`null` when there are none),
 * those bytes printed as Kubernetes' DeepHashObject prints a byte slice, then FNV-1a 32.
 */
export function hashEnvValues(envs: ReadonlyArray<{ name: string; value: string }>): number {
  const sorted = [...envs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const data =
    sorted.length === 0
      ? "null"
      : `[${sorted.map((e) => goJson(e.value === "" ? { name: e.name } : { name: e.name, value: e.value })).join(",")}]`;
  return fnv1aHash32(encoder.encode(deepHashPrint(encoder.encode(data))));
}

/**
 * The hash a container started now would have: each env from metadata with the value the pod's metadata gives it
 * now (a missing key gives ""). Compared with what kruise-daemon reports to tell a restarted container saw the new
 * values.
 */
export function expectedEnvFromMetadataHash(
  container: Container,
  metadata:
    { labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> } | undefined,
): number {
  return hashEnvValues(
    envFromMetadataVars(container).map(({ name, ref }) => ({
      name,
      value: metadata?.[ref.field]?.[ref.key] ?? "",
    })),
  );
}

/**
 * The hash of the values a running container was started with, read through `getEnv` (kruise-daemon asks the
 * runtime).
 *
 * Guarantees: getEnv is called only for the container's env from metadata, so a container without any is never
 * asked (its hash is that of no values).
 */
export async function currentEnvFromMetadataHash(
  container: Container,
  getEnv: (name: string) => Promise<string>,
): Promise<number> {
  const envs: Array<{ name: string; value: string }> = [];
  for (const { name } of envFromMetadataVars(container)) envs.push({ name, value: await getEnv(name) });
  return hashEnvValues(envs);
}

/**
 * `containersToUpdate` grown by every container that shares a changed key with one already in it, transitively
 * (OpenKruise's addMetadataSharedContainersToUpdate): a label two containers use is written once, so both restart
 * in the same batch even when one has a lower launch priority.
 */
export function withMetadataSharingContainers(
  containersToUpdate: ReadonlySet<string>,
  refMetadata: Readonly<Record<string, ContainerRefMetadata>>,
): Set<string> {
  const result = new Set(containersToUpdate);
  const keys = { labels: new Set<string>(), annotations: new Set<string>() };
  let added = [...result];
  while (added.length > 0) {
    for (const name of added)
      for (const field of ["labels", "annotations"] as const)
        for (const key of Object.keys(refMetadata[name]?.[field] ?? {})) keys[field].add(key);
    added = [];
    for (const [name, meta] of Object.entries(refMetadata)) {
      if (result.has(name)) continue;
      const shares = (["labels", "annotations"] as const).some((field) =>
        Object.keys(meta[field] ?? {}).some((k) => keys[field].has(k)),
      );
      if (shares) {
        result.add(name);
        added.push(name);
      }
    }
  }
  return result;
}
