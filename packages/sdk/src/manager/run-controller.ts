import pino from "pino";
import type { ControllerFlags, ControllerProgram, ExtraFlag, FeatureGate } from "./flags.ts";
import { parseControllerFlags } from "./flags.ts";
import type { Manager } from "./manager.ts";
import { runManager } from "./run-manager.ts";

/**
 * The flags of a binary that runs its manager itself (a node agent, with no leader election and its own logger),
 * parsed as runController parses them.
 *
 * Guarantees: a bad flag, value or feature gate prints `<name>: <what is wrong>` and the --help hint to stderr and
 * exits 2; --help prints the flags and gates and exits 0.
 */
export function parseFlagsOrExit<
  const E extends Record<string, ExtraFlag> = Record<never, ExtraFlag>,
  const G extends Record<string, FeatureGate> = Record<never, FeatureGate>,
>(program: ControllerProgram<E, G>, argv: string[] = process.argv.slice(2)): ControllerFlags<E, G> {
  try {
    return parseControllerFlags(argv, program);
  } catch (err) {
    process.stderr.write(
      `${program.name}: ${err instanceof Error ? err.message : String(err)}\nRun with --help for the flags.\n`,
    );
    process.exit(2);
  }
}

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
  const flags = parseFlagsOrExit(program, argv);
  const logger = pino({ level: flags.logLevel }).child({ app: program.name });
  return runManager({ ...flags.manager, name: program.name, logger }, (mgr) => setup(mgr, flags));
}
