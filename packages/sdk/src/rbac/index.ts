export { clusterRole, type NamedClusterRole } from "./cluster-role.ts";
