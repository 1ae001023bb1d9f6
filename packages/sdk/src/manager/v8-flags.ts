// V8 sizes its young generation for throughput: during a large initial list it grows the semi-spaces to 16 MiB
// each and keeps the heap it grew into, about 190 MiB committed for 60 MiB of live objects with 10,000 cached pods.
// Capping the semi-space at 2 MiB keeps the whole process near 140 MiB (see README, Memory). A controller that
// walks thousands of pods per reconcile also makes old-space garbage, and V8 grows old space rather than collect it
// while memory is plentiful: --optimize-for-size makes it collect first (the CloneSet controller with 10,000 pods
// went from 365 to 157 MiB RSS, same workload, same run of the bench). The flags must be set
// when V8 starts: v8.setFlagsFromString() afterwards was measured to change nothing. So runManager re-executes the
// process in place (process.execve: same pid, same fds, signals keep reaching it) with the flags added.

/** The V8 flags runManager adds unless the process already has them. */
export const DEFAULT_V8_FLAGS: readonly string[] = ["--max-semi-space-size=2", "--optimize-for-size"];

const flagName = (flag: string): string => flag.split("=")[0]!.replace(/_/g, "-");

/** The flags of `wanted` that neither the command line nor NODE_OPTIONS already sets (by name: a user's value wins). */
export function missingV8Flags(
  wanted: readonly string[],
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? "",
): string[] {
  const present = new Set(
    [...execArgv, ...nodeOptions.split(/\s+/)].filter((a) => a.startsWith("--")).map(flagName),
  );
  return wanted.filter((flag) => !present.has(flagName(flag)));
}

/**
 * Re-executes this process with the missing flags (never returns when it does). Returns false when nothing was
 * missing, and also when re-execution is impossible (no process.execve: Windows, a worker thread), after which the
 * process simply runs with V8's defaults.
 */
export function reexecWithV8Flags(wanted: readonly string[] = DEFAULT_V8_FLAGS): boolean {
  const missing = missingV8Flags(wanted);
  if (missing.length === 0 || typeof process.execve !== "function" || process.argv[1] === undefined)
    return false;
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)],
      process.env,
    );
  } catch {
    return false;
  }
  return true;
}
