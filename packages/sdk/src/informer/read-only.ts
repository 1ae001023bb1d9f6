/**
 * What the cache hands out. Cached objects are shared by every reader, so they are typed deeply read-only and
 * (unless the informer was built with `freeze: false`) frozen at runtime as well: a reconciler that mutates one
 * gets a compile error, and a TypeError in strict-mode code instead of silently corrupting the cache.
 * Copy with `thaw()` before changing anything.
 */
export type ReadOnly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends ReadonlyArray<infer E>
    ? ReadonlyArray<ReadOnly<E>>
    : T extends object
      ? { readonly [K in keyof T]: ReadOnly<T[K]> }
      : T;

/** Freezes obj and everything reachable from it. Returns obj. */
export function deepFreeze<T>(obj: T): ReadOnly<T> {
  if (obj && typeof obj === "object" && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const value of Object.values(obj)) deepFreeze(value);
  }
  return obj as ReadOnly<T>;
}

/** A mutable deep copy of a cached object, to build an update from. */
export function thaw<T>(obj: ReadOnly<T>): T {
  return structuredClone(obj) as T;
}
