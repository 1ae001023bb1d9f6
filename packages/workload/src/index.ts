// @kruise/workload: OpenKruise's shared workload logic as pure functions from plain Kubernetes JSON to
// decisions, plus a few thin functions that carry a decision out through an @kruise/sdk Client.
export { CONTROLLER_REVISION_DATA_HASH_LABEL } from "./keys.ts";
export * from "./util/json.ts";
export * from "./util/label-selector.ts";
export * from "./intstr/index.ts";
export * from "./availability/index.ts";
export * from "./lifecycle/index.ts";
export * from "./revision/index.ts";
export * from "./template/index.ts";
export * from "./inplace/index.ts";
export * from "./ordering/index.ts";
export * from "./cloneset-scale/index.ts";
export * from "./update/index.ts";
export * from "./pvc/index.ts";
export * from "./ordinal/index.ts";
export * from "./daemon/index.ts";
export * from "./subset-allocation/index.ts";
export * from "./united/index.ts";
export * from "./concurrency/index.ts";
export * from "./kit/index.ts";
export * from "./claim/index.ts";
export * from "./status/index.ts";
export * from "./cache/index.ts";
export * from "./scheduling/index.ts";
export * from "./rbac/index.ts";
