/**
 * A Kubernetes resource type as a plain value. Structurally the same as @kruise/sdk's Kind, so the SDK accepts
 * these descriptors without this package depending on it. `T` exists only at compile time.
 */
export interface Kind<T = unknown> {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly __object?: T;
}
