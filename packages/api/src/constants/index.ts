export * from "./labels.ts";
export * from "./annotations.ts";
export * from "./conditions.ts";
export * from "./lifecycle.ts";
export * from "./finalizers.ts";
export * from "./env.ts";
export * from "./namespaces.ts";
