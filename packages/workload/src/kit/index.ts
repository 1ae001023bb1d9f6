export * from "./deps.ts";
export * from "./pod-refresh.ts";
export * from "./update-executor.ts";
