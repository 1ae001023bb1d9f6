export * from "./types.ts";
export * from "./subset-replicas.ts";
export * from "./min-max-fill.ts";
export * from "./specific-allocation.ts";
export * from "./elastic-allocation.ts";
export * from "./adaptive-allocation.ts";
export * from "./reservation-allocation.ts";
export * from "./allocate-subset-replicas.ts";
