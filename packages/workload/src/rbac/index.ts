export * from "./workload-rules.ts";
