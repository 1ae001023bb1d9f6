export * from "./update-plan.ts";
export * from "./pod-update-decision.ts";
