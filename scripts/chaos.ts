// `npm run chaos [-- --kills N]`: the full chaos run (100 SIGKILLs per controller by default), a benchmark-style
// run outside `npm test` (scripts/test/chaos.test.ts runs a short one). Prints one line per controller and writes
// bench/results/chaos.json; exits 1 on any violation or a convergence slower than 30 s.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatChaos, runChaos } from "./chaos/run-chaos.ts";

const USAGE = `npm run chaos [-- --kills N]

SIGKILLs every controller (CloneSet, StatefulSet, DaemonSet, BroadcastJob, AdvancedCronJob, UnitedDeployment) N
times (default 100) during its workload's changes, on a private control plane, and checks the invariants: no pod
deleted twice, never below replicas - maxUnavailable, one workload per subset, convergence within 30 s after the
last kill. Prints one line per controller, writes bench/results/chaos.json, exits 1 on any violation.
`;
let values: { kills: string; help: boolean };
try {
  ({ values } = parseArgs({
    options: {
      kills: { type: "string", default: "100" },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!/^[1-9][0-9]*$/.test(values.kills)) {
  process.stderr.write(`--kills must be a whole number above 0, not "${values.kills}"\n`);
  process.exit(2);
}
const started = Date.now();
const results = await runChaos({
  killsPerController: Number(values.kills),
  faultEveryMs: 1_000,
  convergeWithinMs: 30_000,
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`${formatChaos(results)}\n`);
const dir = resolve(import.meta.dirname, "../bench/results");
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, "chaos.json"),
  `${JSON.stringify({ date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, results }, null, 2)}\n`,
);
const bad = results.some((r) => r.violations.length > 0 || r.convergenceSeconds === null);
process.exit(bad ? 1 : 0);
