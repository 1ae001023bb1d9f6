export * from "./strategic-merge.ts";
export * from "./subset-workload.ts";
export * from "./subset-view.ts";
export * from "./partitions.ts";
export * from "./revision-data.ts";
export * from "./status.ts";
export * from "./reservation.ts";
