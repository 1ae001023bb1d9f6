import type { KubeObject } from "../client/types.ts";

/** Applied to every object before it is stored. It may mutate its argument (a fresh parse) and must return it. */
export type Transform<T> = (obj: T) => T;

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The default transform: drops metadata.managedFields and kubectl's last-applied-configuration annotation. Together
 * they are often more than half of a pod's JSON, and no controller reads them from a cache.
 */
export function trimObject<T>(obj: T): T {
  const meta = (obj as KubeObject).metadata;
  if (meta) {
    delete meta.managedFields;
    if (meta.annotations && LAST_APPLIED in meta.annotations) {
      delete meta.annotations[LAST_APPLIED];
    }
  }
  return obj;
}
