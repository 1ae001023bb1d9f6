// Writes everything derived from src/schema: crds/<plural>.apps.kruise.io.yaml, src/generated/types.ts and
// src/generated/kinds.ts. `--check` writes nothing and exits 1 when a file is out of date.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { crdSources } from "../src/schema/index.ts";
import { crdFileName, crdYaml } from "./render/crd-manifest.ts";
import { renderKinds, renderTypes } from "./render/typescript.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(packageDir, "../..");

/** Every generated file: absolute path -> content. */
export function renderAll(): Map<string, string> {
  const files = new Map<string, string>();
  for (const source of crdSources) files.set(join(repoRoot, "crds", crdFileName(source)), crdYaml(source));
  files.set(join(packageDir, "src/generated/types.ts"), renderTypes(crdSources));
  files.set(join(packageDir, "src/generated/kinds.ts"), renderKinds(crdSources));
  return files;
}

/** Paths whose content on disk differs from what the source renders. */
export function staleFiles(): string[] {
  return [...renderAll()].filter(([path, content]) => !existsSync(path) || readFileSync(path, "utf8") !== content).map(([path]) => path);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const stale = staleFiles();
    for (const path of stale) process.stderr.write(`out of date: ${relative(repoRoot, path)}\n`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const [path, content] of renderAll()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    process.stdout.write(`wrote ${relative(repoRoot, path)}\n`);
  }
}
