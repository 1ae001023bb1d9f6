export * from "./active-pods.ts";
export * from "./deletion-rank.ts";
export * from "./priority-sort.ts";
export * from "./scatter-sort.ts";
export * from "./update-order.ts";
export * from "./instance-id.ts";
