export * from "./pod-conditions.ts";
export * from "./pod-availability.ts";
export * from "./replica-counts.ts";
