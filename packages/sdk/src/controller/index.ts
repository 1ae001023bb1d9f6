export { Controller } from "./controller.ts";
export type { ControllerDeps } from "./controller.ts";
export { ControllerBuilder } from "./builder.ts";
export type { ControllerHost } from "./builder.ts";
export * from "./predicates.ts";
export type * from "./types.ts";
export { TerminalError, isTerminalError } from "./terminal-error.ts";
export { Requeue } from "./requeue.ts";
export { CACHE_LAG_REQUEUE_MS, cachedOwner, waitForScaleExpectations } from "./cache-lag.ts";
