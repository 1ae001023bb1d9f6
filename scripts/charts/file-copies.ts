// Byte-for-byte copies the chart carries of files whose source lives elsewhere in the repository.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { PlannedFile } from "./planned-file.ts";

/** The top-level *.yaml files of `sourceDir` (not its subfolders), planned under `targetDir`. */
export function copyYamlFiles(sourceDir: string, targetDir: string): PlannedFile[] {
  if (!existsSync(sourceDir)) return [];
  return readdirSync(sourceDir)
    .filter((name) => name.endsWith(".yaml") && statSync(join(sourceDir, name)).isFile())
    .sort()
    .map((name) => ({
      path: `${targetDir}/${name}`,
      content: readFileSync(join(sourceDir, name), "utf8"),
      kind: "generated",
    }));
}

export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
