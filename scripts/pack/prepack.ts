// `prepack` of a publishable package (run by npm in the package's directory, before `npm pack` and
// `npm publish` read the manifest): builds dist/ from src/ (JavaScript and declarations), then swaps in the
// published manifest. `postpack` (./postpack.ts) puts the repository's manifest back.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportTargets, publishedManifest, type Manifest } from "./published-manifest.ts";
import { MANIFEST, MANIFEST_BACKUP } from "./manifest-files.ts";

const dir = process.cwd();
const fail = (message: string): never => {
  process.stderr.write(`prepack: ${message}\n`);
  process.exit(1);
};

if (existsSync(join(dir, MANIFEST_BACKUP)))
  fail(`${MANIFEST_BACKUP} exists: an earlier pack did not finish; run postpack (npm run postpack) first.`);

rmSync(join(dir, "dist"), { recursive: true, force: true });
const tsc = spawnSync("tsc", ["-p", "tsconfig.build.json"], { cwd: dir, stdio: "inherit" });
if (tsc.status !== 0) fail("tsc -p tsconfig.build.json failed (see above).");

const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Manifest;
const published = publishedManifest(manifest);
const missing = exportTargets(published.exports ?? null).filter((target) => !existsSync(join(dir, target)));
if (missing.length > 0) fail(`exports point at files the build did not make: ${missing.join(", ")}`);

renameSync(join(dir, MANIFEST), join(dir, MANIFEST_BACKUP));
writeFileSync(join(dir, MANIFEST), `${JSON.stringify(published, null, 2)}\n`);
