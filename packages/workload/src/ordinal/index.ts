export * from "./reserved-ordinals.ts";
export * from "./slots.ts";
export * from "./identity.ts";
export * from "./pod-view.ts";
export * from "./scale-plan.ts";
export * from "./update-plan.ts";
