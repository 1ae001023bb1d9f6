/**
 * A Kubernetes resource type: what Go's scheme and RESTMapper provide, as a plain value.
 * `T` is the object's TypeScript shape; it only exists at compile time.
 */
export interface Kind<T = unknown> {
  readonly group: string; // "" for the core group
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly __object?: T;
}

/** The object type a Kind describes. */
export type ObjectOf<K> = K extends Kind<infer T> ? T : never;

export function apiVersionOf(kind: Kind): string {
  return kind.group === "" ? kind.version : `${kind.group}/${kind.version}`;
}

/** A stable identifier for a kind, used as a map key and in metrics labels. */
export function kindKey(kind: Kind): string {
  return `${kind.plural}.${kind.version}.${kind.group === "" ? "core" : kind.group}`;
}
