export * from "./conditions.ts";
export * from "./subset-status-event.ts";
