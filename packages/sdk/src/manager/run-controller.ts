import pino from "pino";
import type { ControllerFlags, ControllerProgram, ExtraFlag, FeatureGate } from "./flags.ts";
import { parseControllerFlags } from "./flags.ts";
import type { Manager } from "./manager.ts";
import { runManager } from "./run-manager.ts";

/**
 * The whole of a controller binary's main.ts: parses the standard flags, the program's extra flags and its feature
 * gates (typed by their declarations), then runs the manager (runManager) with a logger at --log-level that names the
 * app, and lets setup() declare the controllers from the parsed flags.
 *
 * Guarantees: a bad flag, value or feature gate prints `<name>: <what is wrong>` and the --help hint to stderr and
 * exits 2 before anything connects; --help prints the flags and gates and exits 0.
 * Caveats: as with runManager, the entry module may be re-executed for V8 flags, so code before this call must have
 * no side effects.
 */
export async function runController<
  const E extends Record<string, ExtraFlag> = Record<never, ExtraFlag>,
  const G extends Record<string, FeatureGate> = Record<never, FeatureGate>,
>(
  program: ControllerProgram<E, G>,
  setup: (mgr: Manager, flags: ControllerFlags<E, G>) => void | Promise<void>,
  argv: string[] = process.argv.slice(2),
): Promise<never> {
  let flags: ControllerFlags<E, G>;
  try {
    flags = parseControllerFlags(argv, program);
  } catch (err) {
    process.stderr.write(
      `${program.name}: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the flags.\n`,
    );
    process.exit(2);
  }
  const logger = pino({ level: flags.logLevel }).child({ app: program.name });
  return runManager({ ...flags.manager, name: program.name, logger }, (mgr) => setup(mgr, flags));
}
