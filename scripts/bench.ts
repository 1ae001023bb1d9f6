// `npm run bench`: runs every benchmark (the top-level .ts files of bench/, packages/*/bench/ and apps/*/bench/) one after
// another, each in its own Node process. Each writes its figures to bench/results/<name>.json and prints them.
// `npm run bench -- cloneset` runs only the benchmarks whose path contains "cloneset".
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const filter = process.argv[2];
if (filter === "--help" || filter === "-h") {
  process.stdout.write(`npm run bench [-- <filter>]

Runs every benchmark (the top-level .ts files of bench/, packages/*/bench/ and apps/*/bench/), one after another,
each in its own Node process; each writes its figures to bench/results/<name>.json. With a filter, only the
benchmarks whose path contains it (e.g. \`npm run bench -- cloneset\`).
`);
  process.exit(0);
}

function benchFiles(): string[] {
  const files: string[] = [];
  // Whole-product benchmarks (images) live in the root bench/.
  for (const f of readdirSync(join(root, "bench")).sort())
    if (f.endsWith(".ts")) files.push(join(root, "bench", f));
  for (const group of ["packages", "apps"]) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const pkg of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, pkg, "bench");
      if (!existsSync(dir)) continue;
      for (const f of readdirSync(dir).sort()) if (f.endsWith(".ts")) files.push(join(dir, f));
    }
  }
  return filter ? files.filter((f) => f.includes(filter)) : files;
}

const files = benchFiles();
if (files.length === 0) {
  process.stdout.write(`no benchmarks found${filter ? ` matching "${filter}"` : ""}\n`);
  process.exit(0);
}
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${relative(root, file)} ===\n`);
  const started = Date.now();
  const res = spawnSync(process.execPath, ["--conditions=@kruise/source", "--expose-gc", file], {
    stdio: "inherit",
    cwd: root,
  });
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (res.status !== 0) failed += 1;
  process.stdout.write(
    `=== ${relative(root, file)}: ${res.status === 0 ? "ok" : `FAILED (${res.status})`} in ${secs}s ===\n`,
  );
}
process.stdout.write(
  `\nresults in ${relative(process.cwd(), join(root, "bench", "results")) || "bench/results"}/\n`,
);
process.exit(failed === 0 ? 0 : 1);
