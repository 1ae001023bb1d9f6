import pino from "pino";
import { Manager } from "./manager.ts";
import type { ManagerOptions } from "./manager.ts";
import { DEFAULT_V8_FLAGS, reexecWithV8Flags } from "./v8-flags.ts";

export interface RunOptions {
  /**
   * V8 flags the process must run with; runManager re-executes it in place (same pid) to add the missing ones before
   * anything starts. Default DEFAULT_V8_FLAGS (a 2 MiB semi-space cap, for RSS with large caches); `false` or `[]`
   * keeps V8's defaults. A flag already on the command line or in NODE_OPTIONS is left as the user set it. After a
   * re-exec the entry module runs again from the top, so code before runManager must have no side effects.
   */
  v8Flags?: readonly string[] | false;
}

/**
 * The body of a controller's main.ts: builds the Manager, lets setup() declare controllers, runs until SIGTERM or
 * SIGINT, shuts down gracefully and exits 0 (1 on a start-up failure or lost leadership). A second signal exits at once.
 */
export async function runManager(
  options: ManagerOptions & RunOptions,
  setup: (mgr: Manager) => void | Promise<void>,
): Promise<never> {
  const { v8Flags = DEFAULT_V8_FLAGS, ...managerOptions } = options;
  if (v8Flags) reexecWithV8Flags(v8Flags);
  const log = managerOptions.logger ?? pino({ level: process.env.LOG_LEVEL ?? "info" });
  let mgr: Manager;
  try {
    mgr = await Manager.create({ ...managerOptions, logger: log });
    await setup(mgr);
  } catch (err) {
    log.fatal({ err }, "manager failed to start");
    process.exit(1);
  }
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn({ signal: sig }, "second signal: exiting now");
      process.exit(1);
    }
    log.info({ signal: sig }, "signal received; shutting down gracefully");
    stop.abort();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled promise rejection (kept running)"));
  let code = 0;
  try {
    await mgr.start(stop.signal);
  } catch (err) {
    log.error({ err }, "manager stopped with an error");
    code = 1;
  }
  log.flush();
  process.exit(code);
}
