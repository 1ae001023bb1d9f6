// The controller apps a chart is made for: every apps/<dir> whose package.json declares
// `"kruise": { "controller": "src/main.ts" }` (the same rule `npm start` uses); `"perNode": true` beside it marks a
// node agent.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface ControllerApp {
  /** The apps/ directory name; also the subchart's name and its values key in the umbrella. */
  name: string;
  dir: string;
  /** package.json's description, reused as the subchart's description. */
  description: string;
  rbacFile: string;
  /**
   * A node agent (`"kruise": { "perNode": true }`): one instance per node, a DaemonSet in its chart, started by
   * `npm start` once per real node; otherwise a controller, a Deployment.
   */
  perNode: boolean;
}

interface AppPackageJson {
  description?: string;
  kruise?: { controller?: string; perNode?: boolean };
}

/** Helm chart names and values keys must be lower-case DNS labels; an app dir that is not one cannot get a chart. */
const CHART_NAME = /^[a-z][a-z0-9-]{0,52}$/;

export function discoverControllerApps(appsDir: string): ControllerApp[] {
  if (!existsSync(appsDir)) return [];
  const apps: ControllerApp[] = [];
  for (const name of readdirSync(appsDir).sort()) {
    const dir = join(appsDir, name);
    const pkgPath = join(dir, "package.json");
    if (!existsSync(pkgPath)) continue;
    let pkg: AppPackageJson;
    try {
      pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as AppPackageJson;
    } catch (error) {
      throw new Error(
        `${pkgPath} is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it, then run the generator again`,
      );
    }
    if (pkg.kruise?.controller === undefined) continue;
    if (!CHART_NAME.test(name)) {
      throw new Error(
        `apps/${name} declares a controller, but "${name}" cannot name a Helm chart: use lower-case letters, digits and dashes`,
      );
    }
    apps.push({
      name,
      dir,
      description: pkg.description ?? `The ${name} controller`,
      rbacFile: join(dir, "src", "rbac.ts"),
      perNode: pkg.kruise.perNode === true,
    });
  }
  return apps;
}
