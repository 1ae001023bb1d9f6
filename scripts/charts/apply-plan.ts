// Compares a plan with the disk (--check) or makes the disk match it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { listFiles } from "./file-copies.ts";
import type { ChartPlan } from "./planned-file.ts";

export interface Drift {
  path: string;
  problem: "missing" | "changed" | "stale" | "orphan";
}

/** Every way the disk differs from the plan. Skeleton files only count when missing: people own them afterwards. */
export function findDrift(plan: ChartPlan, root: string): Drift[] {
  const drift: Drift[] = [];
  const planned = new Set(plan.files.map((file) => file.path));
  for (const file of plan.files) {
    const onDisk = join(root, file.path);
    if (!existsSync(onDisk)) drift.push({ path: file.path, problem: "missing" });
    else if (file.kind === "generated" && readFileSync(onDisk, "utf8") !== file.content)
      drift.push({ path: file.path, problem: "changed" });
  }
  for (const dir of plan.ownedDirs) {
    for (const file of listFiles(join(root, dir))) {
      const path = relative(root, file).split("\\").join("/");
      if (!planned.has(path)) drift.push({ path, problem: "stale" });
    }
  }
  for (const dir of plan.orphanSubcharts) drift.push({ path: dir, problem: "orphan" });
  return drift.sort((a, b) => a.path.localeCompare(b.path));
}

/** Writes what is missing or changed and deletes stale files. Orphan subcharts are left for a person to remove. */
export function applyPlan(plan: ChartPlan, root: string): Drift[] {
  const drift = findDrift(plan, root);
  const byPath = new Map(plan.files.map((file) => [file.path, file]));
  for (const { path, problem } of drift) {
    if (problem === "stale") rmSync(join(root, path));
    const file = byPath.get(path);
    if (file === undefined || (problem !== "missing" && problem !== "changed")) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), file.content);
  }
  return drift;
}
