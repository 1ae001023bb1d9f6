export * from "./pod-transform.ts";
export * from "./node-transform.ts";
