// `npm run charts:deps`: Helm's own way to share templates. Each controller subchart declares the library chart
// kruise-common as a dependency (`file://../../../kruise-common`, pinned by its committed Chart.lock), and
// `helm dependency build` packs it into the subchart's charts/ folder (not in git). Run it before installing
// or packaging from a checkout: the tests, chart:demo and charts:package do.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { discoverControllerApps } from "./controller-apps.ts";
import { chartPaths, subchartDir, UMBRELLA } from "./paths.ts";

/** The helm of the test control plane's binaries (tools/build-binaries.sh), unless `helm` is given. */
export function findHelm(root: string): string {
  const result = spawnSync("bash", [join(root, "tools/build-binaries.sh"), "--print"], { encoding: "utf8" });
  const dir = result.stdout.trim().split("\n").pop() ?? "";
  const helm = join(dir, "helm");
  if (result.status !== 0 || !existsSync(helm))
    throw new Error(`no helm binary: run \`npm run binaries\` (${result.stderr.trim() || "no output"})`);
  return helm;
}

function helmOk(helm: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = spawnSync(helm, args, { encoding: "utf8", env });
  if (result.status !== 0)
    throw new Error(`helm ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

/**
 * Runs `helm dependency build` for every controller subchart of the checkout at `root`, so that the
 * umbrella and each subchart install from their folders. Returns the subchart folders it built.
 *
 * # Guarantees
 * The library chart is packed fresh from charts/kruise-common each time (an edit there reaches every subchart).
 * # Caveats
 * A Chart.lock out of step with its Chart.yaml fails, as Helm's own build does: `helm dependency update` it.
 */
export function buildChartDependencies(root: string, helm = findHelm(root), env = process.env): string[] {
  const paths = chartPaths(root);
  const built: string[] = [];
  for (const app of discoverControllerApps(paths.appsDir)) {
    const dir = join(root, subchartDir(app.name));
    if (!existsSync(join(dir, "Chart.yaml"))) continue;
    mkdirSync(join(dir, "charts"), { recursive: true });
    helmOk(helm, ["dependency", "build", dir, "--skip-refresh"], env);
    built.push(dir);
  }
  return built;
}

/** `helm package` of the umbrella (its subcharts with their library inside) into `outDir`; returns the .tgz. */
export function packageUmbrella(root: string, outDir: string, helm = findHelm(root)): string {
  buildChartDependencies(root, helm);
  mkdirSync(outDir, { recursive: true });
  const out = helmOk(helm, ["package", join(root, UMBRELLA), "--destination", outDir], process.env);
  return out.trim().split(": ").pop() ?? "";
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      package: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const root = resolve(import.meta.dirname, "../..");
  if (values.help) {
    process.stdout.write(
      "Usage: npm run charts:deps [-- --package DIR]\n\n`helm dependency build` of every controller subchart (the library chart kruise-common);\n--package DIR then packs the umbrella into DIR (e.g. .kruise/charts).\n",
    );
  } else if (values.package !== undefined) {
    process.stdout.write(`${packageUmbrella(root, resolve(values.package))}\n`);
  } else {
    for (const dir of buildChartDependencies(root)) process.stdout.write(`built ${relative(root, dir)}/charts\n`);
  }
}
