// The Node layer every controller image shares: the project's own Node 24 (the `node` npm package's binary, the
// one `npm start` runs), without its symbol tables (strip --strip-all), at /usr/local/bin/node. Cached by Node version and binary hash.
import { createHash } from "node:crypto";
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeReproducibleTar } from "./reproducible-tar.ts";
import { must } from "./tools.ts";

/** Where the images keep Node. */
export const IMAGE_NODE = "/usr/local/bin/node";

// --strip-all keeps the dynamic symbol table that native addons link against.
const STRIP_ARGS = ["--strip-all"];

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The Node layer's tarball for the binary `nodeBinary`, built when the cache lacks it. */
export async function nodeLayer(cacheDir: string, nodeBinary: string, version: string): Promise<string> {
  const key = createHash("sha256")
    .update(`${await sha256(nodeBinary)} ${STRIP_ARGS.join(" ")}`)
    .digest("hex")
    .slice(0, 16);
  const out = join(cacheDir, `node-${version}-${key}.tar`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), "kruise-node-"));
  try {
    const bin = join(work, "usr/local/bin");
    mkdirSync(bin, { recursive: true });
    copyFileSync(nodeBinary, join(bin, "node"));
    must("strip", [...STRIP_ARGS, join(bin, "node")]);
    const partial = `${out}.partial`;
    writeReproducibleTar(work, ["usr"], partial);
    renameSync(partial, out);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
