export * from "./pod-transform.ts";
