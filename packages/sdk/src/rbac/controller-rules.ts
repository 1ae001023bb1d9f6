import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/** Reading a kind through an informer: list, watch, and get for what the cache does not hold. */
export const READ_VERBS: readonly string[] = ["get", "list", "watch"];

/**
 * What the SDK itself does for every controller, whatever it reconciles: record core Events (create, then patch
 * the count of a repeat; update for older servers) and hold its leader-election Lease (get, create, update).
 * Spread into a controller's rules.
 */
export const CONTROLLER_RUNTIME_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
