// `npm run images [-- --app cloneset] [-- --push REGISTRY]`: one OCI image per controller app in apps/, built
// without a container engine (mmdebstrap, umoci, GNU tar; skopeo pushes). Layers, bottom first: the shared base
// (C/C++ runtime, passwd), the shared Node 24 layer, and the app's own (/app: compiled JavaScript and its
// production dependencies). Same commit, same digests. Writes .kruise/images/images.json.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_V8_FLAGS } from "@kruise/sdk";
import { discoverControllerApps, type ControllerApp } from "../charts/controller-apps.ts";
import { appLayer, compileWorkspacePackage, IMAGE_APP_DIR } from "./app-layer.ts";
import { baseLayer, IMAGE_USER } from "./base-layer.ts";
import { imageName, type ImagesReport } from "./images-report.ts";
import { nodeLayer, IMAGE_NODE } from "./node-layer.ts";
import { buildImage, describeImage, initLayout } from "./oci-layout.ts";
import { pushImage } from "./push.ts";
import { missingTools } from "./tools.ts";

const root = resolve(import.meta.dirname, "../..");
const { values: flags } = parseArgs({
  options: {
    app: { type: "string", multiple: true, default: [] },
    push: { type: "string" },
    out: { type: "string", default: join(root, ".kruise/images") },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  process.stdout.write(`npm run images [-- --app NAME]... [-- --push REGISTRY] [-- --out DIR]

Builds one OCI image per controller app (apps/*) into the OCI layout DIR/oci (default .kruise/images), with no
container engine: mmdebstrap (base), umoci (image layout), GNU tar (reproducible layers), skopeo (push).
The base and Node layers are cached in ~/.cache/kruise-ts/images. --push REGISTRY copies each image to
REGISTRY/<app>-controller:<version>, e.g. --push 127.0.0.1:5000/kruise-ts (plain HTTP for loopback hosts).
`);
  process.exit(0);
}

const log = (line: string): void => void process.stdout.write(`${line}\n`);
const cacheDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "kruise-ts", "images");

/** `src/main.ts` -> `dist/main.js`: where tsc puts an app's entry module. */
const compiledEntry = (source: string): string =>
  source.replace(/^(\.\/)?src\//, "dist/").replace(/\.ts$/, ".js");

interface AppManifest {
  name: string;
  version: string;
  kruise: { controller: string };
}

async function main(): Promise<void> {
  const started = Date.now();
  const missing = missingTools(["mmdebstrap", "umoci", "tar", "strip", ...(flags.push ? ["skopeo"] : [])]);
  if (missing.length > 0)
    throw new Error(`missing ${missing.join(", ")}; run bash tools/setup.sh (it installs them with apt-get)`);

  let apps: ControllerApp[] = discoverControllerApps(join(root, "apps"));
  if (flags.app.length > 0) {
    const unknown = flags.app.filter((name) => !apps.some((a) => a.name === name));
    if (unknown.length > 0)
      throw new Error(
        `no controller app ${unknown.join(", ")}; known: ${apps.map((a) => a.name).join(", ")}`,
      );
    apps = apps.filter((a) => flags.app.includes(a.name));
  }
  const manifests = apps.map(
    (app) => JSON.parse(readFileSync(join(app.dir, "package.json"), "utf8")) as AppManifest,
  );

  const base = baseLayer(cacheDir, log);
  const node = await nodeLayer(cacheDir, process.execPath, process.versions.node);

  const outDir = resolve(flags.out);
  const layout = join(outDir, "oci");
  const layersDir = join(outDir, "layers");
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(layersDir, { recursive: true });
  initLayout(layout);

  // The layers every app shares, compressed once: each app's image starts from this tag.
  const shared = "kruise-node-base";
  buildImage(layout, shared, undefined, [
    { tar: base, createdBy: "kruise-ts base: Debian libc6 libgcc-s1 libstdc++6, nonroot user" },
    { tar: node, createdBy: `kruise-ts node ${process.versions.node}` },
  ]);

  // Each workspace package compiled once (tsc) for all the apps that ship it.
  const compiledDir = join(outDir, "compiled");
  const compiledPackages = new Map<string, string>();
  const compiled = (dir: string): string => {
    let out = compiledPackages.get(dir);
    if (out === undefined) {
      out = join(compiledDir, relative(root, dir));
      log(`compiling ${relative(root, dir)} (tsc)`);
      compileWorkspacePackage(dir, out);
      compiledPackages.set(dir, out);
    }
    return out;
  };

  const report: ImagesReport = { layout: relative(root, layout), node: process.versions.node, images: [] };
  for (const [i, app] of apps.entries()) {
    const manifest = manifests[i]!;
    const appStarted = Date.now();
    const own = appLayer(root, app.dir, join(layersDir, `${app.name}.tar`), compiled);
    const tag = imageName(app.name);
    buildImage(
      layout,
      tag,
      shared,
      [{ tar: own.tar, createdBy: `kruise-ts ${manifest.name}@${manifest.version}` }],
      {
        // The flags runManager would re-execute with, given up front: no re-exec in the container.
        entrypoint: [
          IMAGE_NODE,
          ...DEFAULT_V8_FLAGS,
          `${IMAGE_APP_DIR}/${compiledEntry(manifest.kruise.controller)}`,
        ],
        user: `${IMAGE_USER}:${IMAGE_USER}`,
        workingDir: IMAGE_APP_DIR,
        env: ["NODE_ENV=production"],
        labels: {
          "org.opencontainers.image.title": tag,
          "org.opencontainers.image.version": manifest.version,
          "org.opencontainers.image.licenses": "Apache-2.0",
        },
      },
    );
    const built = describeImage(layout, tag);
    report.images.push({ app: app.name, version: manifest.version, packages: own.packages, ...built });
    const mb = (n: number): string => (n / 1e6).toFixed(1);
    const [baseSize = 0, nodeSize = 0, ownSize = 0] = built.layerSizes;
    log(
      `${tag}: ${built.digest}  compressed ${mb(baseSize + nodeSize + ownSize)} MB (base ${mb(baseSize)}, node ${mb(nodeSize)}, own ${mb(ownSize)}; ${own.packages} packages)  ${((Date.now() - appStarted) / 1000).toFixed(1)}s`,
    );
  }
  rmSync(layersDir, { recursive: true, force: true });
  rmSync(compiledDir, { recursive: true, force: true });
  writeFileSync(join(outDir, "images.json"), `${JSON.stringify(report, null, 2)}\n`);
  log(
    `built ${apps.length} images in ${((Date.now() - started) / 1000).toFixed(1)}s into ${relative(process.cwd(), layout)}`,
  );

  if (flags.push) {
    for (const image of report.images) {
      const ref = pushImage(layout, image.tag, flags.push, image.version);
      log(`pushed ${ref}`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run images failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
