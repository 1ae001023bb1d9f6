export * from "./claims.ts";
export * from "./claim-plan.ts";
export * from "./claim-template-hash.ts";
export * from "./claim-client.ts";
