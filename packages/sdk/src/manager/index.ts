export { Manager } from "./manager.ts";
export type { ManagerOptions, LeaderElectionConfig } from "./manager.ts";
export { runManager } from "./run-manager.ts";
export type { RunOptions } from "./run-manager.ts";
export { DEFAULT_V8_FLAGS, missingV8Flags, reexecWithV8Flags } from "./v8-flags.ts";
export { parseControllerFlags, flagsHelp } from "./flags.ts";
export type { ControllerFlags, ExtraFlag } from "./flags.ts";
export { parseBindAddress } from "./http-server.ts";
export type { Check } from "./http-server.ts";
