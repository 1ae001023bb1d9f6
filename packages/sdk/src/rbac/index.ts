export { clusterRole, componentClusterRole, type NamedClusterRole } from "./cluster-role.ts";
export { namespacedRole, type NamedRole, type NamespacedRules } from "./namespaced-role.ts";
export {
  CONTROLLER_RUNTIME_RULES,
  MANAGE_VERBS,
  READ_VERBS,
  reconciledKindRules,
  STATUS_VERBS,
} from "./controller-rules.ts";
