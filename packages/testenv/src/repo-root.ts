import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The monorepo root (the folder whose package.json declares workspaces), found by walking up from this
 * package. Undefined when @kruise/testenv is installed outside the Kruise-TS repository. */
export function findRepoRoot(from: string = import.meta.dirname): string | undefined {
  let dir = from;
  for (let depth = 0; depth < 12; depth++) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (parsed.workspaces !== undefined) return dir;
      } catch {
        // An unreadable package.json is not the root; keep walking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}
