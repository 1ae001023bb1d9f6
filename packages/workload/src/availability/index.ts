export * from "./pod-conditions.ts";
export * from "./pod-availability.ts";
