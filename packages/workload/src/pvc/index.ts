export * from "./claims.ts";
export * from "./claim-plan.ts";
