export * from "./update-spec.ts";
export * from "./update-state.ts";
export * from "./readiness-gate.ts";
export * from "./apply-update.ts";
export * from "./completion.ts";
export * from "./refresh.ts";
export * from "./inplace-patch.ts";
export * from "./vertical.ts";
