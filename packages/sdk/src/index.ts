// @kruise/sdk: a reconcile runtime modelled on controller-runtime and kube-rs. It knows nothing about Kruise kinds.
import "./node-version.ts";
export { MINIMUM_NODE, unsupportedNodeReason } from "./node-version.ts";
export * from "./kind.ts";
export * from "./kinds/index.ts";
export * from "./meta/index.ts";
export * from "./clock/index.ts";
export * from "./client/index.ts";
export * from "./informer/index.ts";
export * from "./queue/index.ts";
export * from "./expectations/index.ts";
export * from "./controller/index.ts";
export * from "./metrics/index.ts";
export * from "./leader/index.ts";
export * from "./recorder/index.ts";
export * from "./rbac/index.ts";
export * from "./eventbus/index.ts";
export * from "./manager/index.ts";
export * from "./webhook/index.ts";
