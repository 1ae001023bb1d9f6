export { clusterRole, type NamedClusterRole } from "./cluster-role.ts";
export { namespacedRole, type NamedRole, type NamespacedRules } from "./namespaced-role.ts";
