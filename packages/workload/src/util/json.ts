/**
 * JSON helpers for comparing and hashing Kubernetes objects, which arrive as plain JSON.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// One implementation of canonical JSON and structural equality, in the SDK (patchStatusIfChanged uses it).
export { canonicalJson, jsonEqual } from "@kruise/sdk";

/** A deep copy, so decisions never mutate objects handed out by an informer cache. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
