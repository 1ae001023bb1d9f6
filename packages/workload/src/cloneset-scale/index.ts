export * from "./strategy-params.ts";
export * from "./specified-delete.ts";
export * from "./expectation-diffs.ts";
export * from "./scale-plan.ts";
export * from "./new-pod.ts";
