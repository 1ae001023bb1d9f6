// Applies the CRD schema's defaults to an object in memory, the way the apiserver does on write and on read
// from storage. Controllers use it to read defaulted values even on objects stored before a default existed.
import type { SchemaNode } from "../schema/builder.ts";
import { crdSources } from "../schema/index.ts";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Defaults `value` (mutating it) according to `node`; returns the value, or the default when value is undefined. */
function defaultValue(node: SchemaNode, value: unknown): unknown {
  const current = value === undefined && node.default !== undefined ? structuredClone(node.default) : value;
  if (current === undefined || current === null) return current;
  switch (node.type) {
    case "object":
      if (isPlainObject(current)) {
        for (const [name, child] of Object.entries(node.properties)) {
          const next = defaultValue(child, current[name]);
          if (next !== undefined) current[name] = next;
        }
      }
      return current;
    case "array":
      if (Array.isArray(current))
        current.forEach((item: unknown, i) => (current[i] = defaultValue(node.items, item)));
      return current;
    case "map":
      if (isPlainObject(current))
        for (const key of Object.keys(current)) current[key] = defaultValue(node.values, current[key]);
      return current;
    default:
      return current;
  }
}

/** The kinds applyDefaults knows, by kind name. */
export type KruiseKindName = (typeof crdSources)[number]["kind"];

/**
 * A copy of `obj` with the schema defaults of `kind` (e.g. "CloneSet", or a Kind descriptor) filled in, for the
 * version its `apiVersion` names (the kind's own schema when absent). The input is never modified.
 */
export function applyDefaults<T extends { spec?: unknown }>(
  kind: string | { readonly kind: string },
  obj: T,
): T {
  const kindName = typeof kind === "string" ? kind : kind.kind;
  const source = crdSources.find((s) => s.kind === kindName);
  if (!source)
    throw new Error(
      `applyDefaults: unknown kind "${kindName}"; expected one of ${crdSources.map((s) => s.kind).join(", ")}`,
    );
  const copy = structuredClone(obj) as Record<string, unknown>;
  // A version with its own shape (CloneSet v1beta1) has its own defaults; the object's apiVersion says which.
  const version = typeof copy.apiVersion === "string" ? copy.apiVersion.split("/")[1] : undefined;
  const shape = source.versions.find((v) => v.name === version)?.shape ?? source;
  if (copy.spec !== undefined) copy.spec = defaultValue(shape.spec, copy.spec);
  if (copy.status !== undefined) copy.status = defaultValue(shape.status, copy.status);
  return copy as T;
}
