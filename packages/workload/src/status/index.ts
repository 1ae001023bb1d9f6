export * from "./conditions.ts";
export * from "./subset-status-event.ts";
export * from "./pod-counts.ts";
