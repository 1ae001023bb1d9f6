// `npm test`: typecheck, lint and format-check every workspace and the root scripts, then run every test in one vitest run (one control plane).
// Extra arguments go to vitest, e.g. `npm test -- packages/sdk`.
import { spawnSync } from "node:child_process";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
  process.stdout.write(`npm test [-- <vitest arguments>]

With no arguments: typecheck, lint and format-check every workspace and the root scripts, then every test in one
vitest run; the last line is \`N passed, N failed\`. With arguments, only vitest, with them (e.g.
\`npm test -- packages/sdk\`; \`npx vitest --help\` lists vitest's own options).
`);
  process.exit(0);
}
process.env.TURBO_TELEMETRY_DISABLED ??= "1";
const run = (cmd: string, cmdArgs: string[]): number =>
  spawnSync(cmd, cmdArgs, { stdio: "inherit", env: process.env }).status ?? 1;

if (args.length === 0) {
  const checks =
    run("turbo", ["run", "typecheck", "lint", "--output-logs=errors-only", "--log-prefix=task"]) ||
    run("tsc", ["-p", "tsconfig.json"]) ||
    run("eslint", ["scripts", "vitest.config.ts"]) ||
    run("prettier", ["--check", ".", "--log-level=warn"]);
  if (checks !== 0) {
    process.stdout.write("\ntypecheck or lint failed (see above)\n0 passed, 1 failed\n");
    process.exit(checks);
  }
}
process.exit(run("vitest", ["run", ...args]));
