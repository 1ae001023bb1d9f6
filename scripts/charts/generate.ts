// `npm run charts:generate [-- --check]`: makes charts/ match its sources — RBAC rule files from each app's
// src/rbac.ts, the CRD and policy copies from crds/, the values schemas, the umbrella's dependency list,
// and a subchart skeleton for any controller app that has none. --check writes nothing and exits 1 on drift.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { applyPlan, findDrift, type Drift } from "./apply-plan.ts";
import { planCharts } from "./chart-plan.ts";
import { chartPaths } from "./paths.ts";

const EXPLAIN: Record<Drift["problem"], string> = {
  missing: "missing",
  changed: "differs from its source",
  stale: "no longer has a source",
  orphan: "is a subchart without a controller app: delete it, or restore the app",
};

const say = (line: string): boolean => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: "boolean", default: false },
      // Another checkout (tests generate into a scratch copy); default: the repository this script is in.
      root: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    say(
      "Usage: npm run charts:generate [-- --check] [--root <repo>]\n\nWrites the generated parts of charts/. --check only reports drift (exit 1).",
    );
    return 0;
  }
  const paths = chartPaths(values.root === undefined ? undefined : resolve(values.root));
  const plan = await planCharts(paths);
  if (values.check) {
    const drift = findDrift(plan, paths.root);
    if (drift.length === 0) {
      say(`charts/ matches its sources (${plan.files.length} generated files).`);
      return 0;
    }
    say(`charts/ has drifted from its sources; run \`npm run charts:generate\`:`);
    for (const { path, problem } of drift) say(`  ${path}: ${EXPLAIN[problem]}`);
    return 1;
  }
  const drift = applyPlan(plan, paths.root);
  for (const { path, problem } of drift)
    say(
      `  ${problem === "orphan" ? "!" : problem === "stale" ? "-" : "+"} ${path}${problem === "orphan" ? `: ${EXPLAIN.orphan}` : ""}`,
    );
  say(
    drift.length === 0
      ? "charts/ already up to date."
      : `charts/ updated (${drift.filter((d) => d.problem !== "orphan").length} files).`,
  );
  return drift.some((d) => d.problem === "orphan") ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  process.stderr.write(`charts:generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
