export * from "./strategy.ts";
export * from "./daemon-pod.ts";
export * from "./pods-by-node.ts";
export * from "./placement-plan.ts";
export * from "./rollout-plan.ts";
export * from "./status-counts.ts";
export * from "./failed-pod-backoff.ts";
export * from "./node-fit.ts";
