export * from "./state.ts";
export * from "./hooks.ts";
export * from "./transitions.ts";
export * from "./not-ready-keys.ts";
export * from "./lifecycle-patch.ts";
export * from "./lifecycle-client.ts";
