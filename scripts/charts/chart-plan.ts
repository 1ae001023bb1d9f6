// Assembles everything the generator owns into one plan; nothing here writes to disk.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { discoverControllerApps, type ControllerApp } from "./controller-apps.ts";
import { copyYamlFiles } from "./file-copies.ts";
import { LIBRARY_NAME, UMBRELLA, subchartDir, type ChartPaths } from "./paths.ts";
import type { ChartPlan, PlannedFile } from "./planned-file.ts";
import { natsUsersFile } from "./nats-users.ts";
import { loadAppRbac } from "./rbac-rules.ts";
import { scopeRules } from "./rule-scope.ts";
import { namespacedRulesYaml, rulesYaml } from "./rules-yaml.ts";
import { ruleNamespacesTemplate } from "./rule-namespaces.ts";
import { SUBCHART_VERSION, subchartSkeleton } from "./subchart-skeleton.ts";
import { umbrellaChartYaml, withControllersBlock } from "./umbrella-chart.ts";
import { controllerValuesSchema, umbrellaValuesSchema } from "./values-schema.ts";

export async function planCharts(paths: ChartPaths): Promise<ChartPlan> {
  const apps = discoverControllerApps(paths.appsDir);
  const libraryVersion = chartVersion(join(paths.libraryChartDir, "Chart.yaml"), paths.root);
  if (libraryVersion === undefined)
    throw new Error(
      `charts/${LIBRARY_NAME}/Chart.yaml is missing: the library chart is hand-written and must exist`,
    );

  const files: PlannedFile[] = [];
  const ownedDirs = [`${UMBRELLA}/crds`, `${UMBRELLA}/files/policies`, `${UMBRELLA}/files/nats`];
  const subcharts: Array<{ app: ControllerApp; version: string }> = [];
  const ruleNamespaces = new Set<string>();

  for (const app of apps) {
    const dir = subchartDir(app.name);
    const existingVersion = chartVersion(join(paths.root, dir, "Chart.yaml"), paths.root);
    if (existingVersion === undefined) files.push(...subchartSkeleton(app, libraryVersion));
    const valuesPath = `${dir}/values.yaml`;
    const valuesOnDisk = join(paths.root, valuesPath);
    const values = existsSync(valuesOnDisk)
      ? readFileSync(valuesOnDisk, "utf8")
      : (files.find((file) => file.path === valuesPath)?.content ?? "");
    files.push({
      path: `${dir}/values.schema.json`,
      kind: "generated",
      content: controllerValuesSchema(app.name, values),
    });
    subcharts.push({ app, version: existingVersion ?? SUBCHART_VERSION });

    const source = relative(paths.root, app.rbacFile);
    const rbac = await loadAppRbac(app.rbacFile, paths.root);
    const scoped = scopeRules(rbac.rules);
    files.push(
      {
        path: `${dir}/rbac/cluster-rules.yaml`,
        kind: "generated",
        content: rulesYaml(scoped.cluster, source, "ClusterRole rules: everything except the leader Lease."),
      },
      {
        path: `${dir}/rbac/namespace-rules.yaml`,
        kind: "generated",
        content: rulesYaml(
          scoped.releaseNamespace,
          source,
          "Role rules in the release namespace: the leader Lease lives only there.",
        ),
      },
    );
    if (rbac.namespaced.length > 0) {
      files.push({
        path: `${dir}/rbac/namespaced-rules.yaml`,
        kind: "generated",
        content: namespacedRulesYaml(rbac.namespaced, source),
      });
      for (const entry of rbac.namespaced) ruleNamespaces.add(entry.namespace);
    }
    // The library is a Helm dependency (Chart.yaml + Chart.lock), packed in by `npm run charts:deps`.
    ownedDirs.push(`${dir}/rbac`);
  }

  files.push(...copyYamlFiles(paths.crdsDir, `${UMBRELLA}/crds`));
  files.push(...copyYamlFiles(paths.policiesDir, `${UMBRELLA}/files/policies`));
  files.push(natsUsersFile());
  files.push({ path: `${UMBRELLA}/Chart.yaml`, kind: "generated", content: umbrellaChartYaml(subcharts) });
  files.push({
    path: `${UMBRELLA}/templates/rule-namespaces.yaml`,
    kind: "generated",
    content: ruleNamespacesTemplate([...ruleNamespaces].sort()),
  });

  const valuesPath = `${UMBRELLA}/values.yaml`;
  const valuesFile = join(paths.root, valuesPath);
  if (!existsSync(valuesFile))
    throw new Error(
      `${valuesPath} is missing: it is hand-written apart from its controllers block; restore it from git`,
    );
  const umbrellaValues = withControllersBlock(readFileSync(valuesFile, "utf8"), apps, valuesPath);
  files.push(
    { path: valuesPath, kind: "generated", content: umbrellaValues },
    {
      path: `${UMBRELLA}/values.schema.json`,
      kind: "generated",
      content: umbrellaValuesSchema(
        umbrellaValues,
        apps.map((app) => app.name),
      ),
    },
  );

  return { files, ownedDirs, orphanSubcharts: orphanSubcharts(paths, apps) };
}

/** The `version` of a Chart.yaml, or undefined when the file does not exist. */
function chartVersion(chartYaml: string, root: string): string | undefined {
  if (!existsSync(chartYaml)) return undefined;
  const chart = parse(readFileSync(chartYaml, "utf8")) as { version?: unknown } | null;
  if (typeof chart?.version !== "string" || chart.version === "") {
    throw new Error(`${relative(root, chartYaml)} has no version: set \`version: x.y.z\``);
  }
  return chart.version;
}

function orphanSubcharts(paths: ChartPaths, apps: readonly ControllerApp[]): string[] {
  const dir = join(paths.umbrellaDir, "charts");
  if (!existsSync(dir)) return [];
  const names = new Set(apps.map((app) => app.name));
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !names.has(entry.name))
    .map((entry) => subchartDir(entry.name))
    .sort();
}
