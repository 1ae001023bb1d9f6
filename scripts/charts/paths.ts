// Where the chart generator reads from and writes to, relative to the repository root.
import { join, resolve } from "node:path";

export interface ChartPaths {
  /** Repository root: every path in a ChartPlan is relative to it. */
  root: string;
  appsDir: string;
  crdsDir: string;
  policiesDir: string;
  libraryChartDir: string;
  umbrellaDir: string;
}

export const DEFAULT_ROOT = resolve(import.meta.dirname, "../..");

export function chartPaths(root: string = DEFAULT_ROOT): ChartPaths {
  return {
    root,
    appsDir: join(root, "apps"),
    crdsDir: join(root, "crds"),
    policiesDir: join(root, "crds", "policies"),
    libraryChartDir: join(root, "charts", "kruise-common"),
    umbrellaDir: join(root, "charts", "kruise"),
  };
}

/** Repository-relative locations inside the umbrella chart (POSIX separators: they are also plan keys). */
export const UMBRELLA = "charts/kruise";
export const LIBRARY_CHART = "charts/kruise-common";
export const LIBRARY_NAME = "kruise-common";
export const subchartDir = (app: string): string => `${UMBRELLA}/charts/${app}`;
