/**
 * The informer scope of a controller given `--namespace` (NAMESPACE_FLAG): that namespace, or all namespaces when
 * it is empty or absent. Spread it into each watch's `informer` options.
 */
export function namespaceScope(namespace: string | undefined): { namespace?: string } {
  return namespace !== undefined && namespace !== "" ? { namespace } : {};
}
