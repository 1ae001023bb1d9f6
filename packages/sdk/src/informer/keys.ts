import type { KubeObject } from "../client/types.ts";

/** The store key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: KubeObject): string {
  const meta = obj.metadata;
  const name = meta?.name ?? "";
  return meta?.namespace ? `${meta.namespace}/${name}` : name;
}

/** The store key for a namespace and name. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a store key back into namespace and name. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0
    ? { namespace: "", name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
