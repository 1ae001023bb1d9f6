// Writes everything derived from src/schema and src/policies: crds/<plural>.apps.kruise.io.yaml,
// crds/policies/*.yaml, src/generated/types.ts and src/generated/kinds.ts. `--check` writes nothing and exits 1 when a file is out of date.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { deletionProtectionBinding, deletionProtectionPolicy } from "../src/policies/deletion-protection.ts";
import { crdSources } from "../src/schema/index.ts";
import { crdFileName, crdYaml, manifestsYaml } from "./render/crd-manifest.ts";
import { renderKinds, renderTypes } from "./render/typescript.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = join(packageDir, "../..");

/** TypeScript output goes through the repository's prettier settings, so `npm run format:check` stays clean. */
async function formatTypeScript(path: string, text: string): Promise<string> {
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}

/** Every generated file: absolute path -> content. */
export async function renderAll(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const source of crdSources) files.set(join(repoRoot, "crds", crdFileName(source)), crdYaml(source));
  // Policies live in a subfolder: crds/ itself holds only CRDs (kubectl apply -f crds/ and testenv read it flat).
  files.set(
    join(repoRoot, "crds/policies/deletion-protection.yaml"),
    manifestsYaml([deletionProtectionPolicy, deletionProtectionBinding]),
  );
  const typesPath = join(packageDir, "src/generated/types.ts");
  const kindsPath = join(packageDir, "src/generated/kinds.ts");
  files.set(typesPath, await formatTypeScript(typesPath, renderTypes(crdSources)));
  files.set(kindsPath, await formatTypeScript(kindsPath, renderKinds(crdSources)));
  return files;
}

/** Paths whose content on disk differs from what the source renders. */
export async function staleFiles(): Promise<string[]> {
  const files = await renderAll();
  return [...files]
    .filter(([path, content]) => !existsSync(path) || readFileSync(path, "utf8") !== content)
    .map(([path]) => path);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const stale = await staleFiles();
    for (const path of stale) process.stderr.write(`out of date: ${relative(repoRoot, path)}\n`);
    process.exit(stale.length > 0 ? 1 : 0);
  }
  for (const [path, content] of await renderAll()) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    process.stdout.write(`wrote ${relative(repoRoot, path)}\n`);
  }
}
