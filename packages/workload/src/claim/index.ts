export * from "./claim-pods.ts";
