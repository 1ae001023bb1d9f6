// The production dependency closure of one app, read from the installed node_modules tree (which is the
// lockfile's tree): the app's `dependencies`, theirs, and so on, resolved the way Node resolves them (the nearest
// node_modules up from the requiring package). Dev dependencies never enter; optional ones do when installed.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface InstalledPackage {
  /** The package's name, e.g. "pino". */
  name: string;
  /** Where it sits relative to the repository root, e.g. "node_modules/pino" or "node_modules/a/node_modules/b". */
  path: string;
  /** Its real directory (workspace packages are symlinks into packages/). */
  realDir: string;
  /** A workspace package of this repository, shipped as its dist/ and published manifest. */
  workspace: boolean;
}

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

/** Where `name` resolves from a package at `fromPath` (repository-relative), or undefined when it is not installed. */
function resolveFrom(root: string, fromPath: string, name: string): string | undefined {
  for (let dir = fromPath; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(root, candidate, "package.json"))) return candidate;
    if (dir === "." || dir === "") return undefined;
  }
}

/** Every package the app at `appDir` needs at run time, sorted by path. */
export function productionDependencies(root: string, appDir: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (fromPath: string, manifest: Manifest, optional: ReadonlySet<string>): void => {
    const names = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    for (const name of [...names].sort()) {
      const path = resolveFrom(root, fromPath, name);
      if (path === undefined) {
        if (optional.has(name)) continue;
        throw new Error(`${name} (needed by ${fromPath}) is not installed; run npm ci`);
      }
      if (found.has(path)) continue;
      const realDir = realpathSync(join(root, path));
      const workspace = !relative(root, realDir).startsWith("node_modules");
      found.set(path, { name, path, realDir, workspace });
      const child = readManifest(realDir);
      visit(
        path,
        child,
        new Set([
          ...Object.keys(child.optionalDependencies ?? {}),
          ...Object.keys((child as { peerDependenciesMeta?: object }).peerDependenciesMeta ?? {}),
        ]),
      );
    }
  };
  const app = readManifest(appDir);
  visit(relative(root, appDir), app, new Set(Object.keys(app.optionalDependencies ?? {})));
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
