import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/** Reading a kind through an informer: list, watch, and get for what the cache does not hold. */
export const READ_VERBS: readonly string[] = ["get", "list", "watch"];

/** Reading a kind and every write to it: what a controller needs for the objects it creates, changes and deletes. */
export const MANAGE_VERBS: readonly string[] = [...READ_VERBS, "create", "update", "patch", "delete"];

/** Writing a status subresource: get for a read of the latest object, update and patch for the write. */
export const STATUS_VERBS: readonly string[] = ["get", "update", "patch"];

/**
 * What the SDK itself does for every controller, whatever it reconciles: record core Events (create, then patch
 * the count of a repeat; update for older servers) and hold its leader-election Lease (get, create, update).
 * Spread into a controller's rules.
 */
export const CONTROLLER_RUNTIME_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];

/**
 * The two rules for the kind a controller reconciles: read it (plus `extraVerbs`, such as a finalizer's update) and
 * write its status subresource. Guarantees: a fresh pair of rules each call, so a caller's spread cannot share arrays.
 */
export function reconciledKindRules(
  group: string,
  plural: string,
  extraVerbs: readonly string[] = [],
): PolicyRule[] {
  return [
    { apiGroups: [group], resources: [plural], verbs: [...READ_VERBS, ...extraVerbs] },
    { apiGroups: [group], resources: [`${plural}/status`], verbs: [...STATUS_VERBS] },
  ];
}
