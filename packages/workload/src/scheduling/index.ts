export * from "./node-selector.ts";
export * from "./taints.ts";
export * from "./quantity.ts";
export * from "./node-eligibility.ts";
export * from "./pod-placement.ts";
