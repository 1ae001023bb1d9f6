export * from "./hash.ts";
export * from "./revision-data.ts";
export * from "./controller-revision.ts";
export * from "./revision-match.ts";
export * from "./history.ts";
export * from "./revision-client.ts";
export * from "./revision-adapter.ts";
export * from "./revision-sync.ts";
