// One controller's own layer: /app with the app's compiled JavaScript (dist/), its published manifest, and
// node_modules holding exactly its production dependency closure. Workspace packages ship as the npm tarball
// would (dist/ and the manifest without the source condition); third-party packages drop what only editors and
// debuggers read (declarations, source maps, Markdown).
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { publishedManifest, type Manifest } from "../pack/published-manifest.ts";
import { productionDependencies } from "./production-deps.ts";
import { writeReproducibleTar } from "./reproducible-tar.ts";
import { must } from "./tools.ts";

/** Where an app lives in its image. */
export const IMAGE_APP_DIR = "/app";

const EDITOR_ONLY = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|\.tsbuildinfo)$/i;

/**
 * Compiles a workspace package (its tsconfig.build.json) into `outDir`. The image build compiles into its own
 * directory rather than the package's dist/, which `npm pack` (prepack) may be rebuilding at the same time.
 * Files under src/ that tsc does not compile (kruise-daemon's CRI api.proto) are copied beside the JavaScript, at
 * the same relative path, as the package's own build script does for dist/.
 */
export function compileWorkspacePackage(dir: string, outDir: string): void {
  must("tsc", ["-p", join(dir, "tsconfig.build.json"), "--outDir", outDir], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const src = join(dir, "src");
  if (!existsSync(src)) return;
  cpSync(src, outDir, {
    recursive: true,
    filter: (path) => statSync(path).isDirectory() || !/\.[cm]?tsx?$/.test(path),
  });
}

function copyPackage(from: string, to: string, workspace: boolean, compiled: (dir: string) => string): void {
  const manifest = JSON.parse(readFileSync(join(from, "package.json"), "utf8")) as Manifest;
  if (!workspace) {
    cpSync(from, to, {
      recursive: true,
      filter: (src) =>
        src === from || !(EDITOR_ONLY.test(src) || relative(from, src).startsWith("node_modules")),
    });
    return;
  }
  mkdirSync(to, { recursive: true });
  cpSync(compiled(from), join(to, "dist"), { recursive: true, filter: (src) => !EDITOR_ONLY.test(src) });
  writeFileSync(join(to, "package.json"), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
}

export interface AppLayer {
  tar: string;
  packages: number;
}

/**
 * Builds the app's layer tarball at `out`. `compiled(dir)` gives the directory holding a workspace package's
 * compiled JavaScript (see compileWorkspacePackage).
 */
export function appLayer(
  root: string,
  appDir: string,
  out: string,
  compiled: (dir: string) => string,
): AppLayer {
  const stage = mkdtempSync(join(tmpdir(), `kruise-app-${basename(appDir)}-`));
  try {
    const app = join(stage, IMAGE_APP_DIR.slice(1));
    copyPackage(appDir, app, true, compiled);
    const deps = productionDependencies(root, appDir);
    for (const dep of deps) {
      if (!dep.path.startsWith("node_modules/"))
        throw new Error(
          `${dep.name} is installed at ${dep.path}; images expect every package hoisted to node_modules/`,
        );
      copyPackage(dep.realDir, join(app, dep.path), dep.workspace, compiled);
    }
    writeReproducibleTar(stage, [IMAGE_APP_DIR.slice(1)], out);
    return { tar: out, packages: deps.length };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
