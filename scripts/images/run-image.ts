// Runs an image from the OCI layout the way a kubelet would with the charts' pod spec, without a container
// engine: umoci unpacks it into a runtime bundle and runc runs it as the image's user, with a read-only root
// file system and a tmpfs on /tmp (the charts' emptyDir). The container shares the host's network namespace, so
// it reaches a control plane on 127.0.0.1; files (a kubeconfig) can be bind-mounted read-only.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { must } from "./tools.ts";

interface RuntimeSpec {
  process: { terminal: boolean; args: string[] };
  root: { path: string; readonly?: boolean };
  mounts: { destination: string; type: string; source: string; options: string[] }[];
  linux: { namespaces: { type: string }[] };
}

export interface RunningImage {
  id: string;
  child: ChildProcess;
  /** Everything the container wrote to stdout and stderr so far. */
  output: () => string;
  /** The container's init process, as the host sees it. */
  pid: () => number;
  /** Waits for the container to exit by itself, then removes it and its bundle; resolves with the exit code. */
  wait: () => Promise<number | null>;
  /** SIGTERM, then as wait(). */
  stop: () => Promise<number | null>;
}

export interface RunOptions {
  /** Arguments after the image's entrypoint. */
  args?: readonly string[];
  /** A whole command line instead of the entrypoint and args. */
  command?: readonly string[];
  /** Host file -> container path, mounted read-only. */
  mounts?: Readonly<Record<string, string>>;
}

const unpackedImages = new Map<string, string>();

/**
 * The image unpacked once per process (umoci unpack takes a while); each run gets its own bundle with its own
 * config.json over the shared, read-only rootfs. removeUnpackedImages() deletes them.
 */
function unpackImage(layout: string, tag: string): string {
  const key = `${layout}:${tag}`;
  let dir = unpackedImages.get(key);
  if (dir === undefined) {
    dir = join(mkdtempSync(join(tmpdir(), "kruise-unpacked-")), "bundle");
    must("umoci", ["unpack", `--image=${key}`, dir]);
    unpackedImages.set(key, dir);
  }
  return dir;
}

/** Deletes every image unpacked by this process (call it when done running images). */
export function removeUnpackedImages(): void {
  for (const dir of unpackedImages.values()) rmSync(dirname(dir), { recursive: true, force: true });
  unpackedImages.clear();
}

/** Starts the image `tag` of `layout`. */
export function runImage(layout: string, tag: string, options: RunOptions = {}): RunningImage {
  const unpacked = unpackImage(layout, tag);
  const bundle = mkdtempSync(join(tmpdir(), "kruise-bundle-"));
  const specPath = join(bundle, "config.json");
  const spec = JSON.parse(readFileSync(join(unpacked, "config.json"), "utf8")) as RuntimeSpec;
  spec.root.path = join(unpacked, "rootfs");
  spec.process.terminal = false;
  if (options.command) spec.process.args = [...options.command];
  spec.process.args.push(...(options.args ?? []));
  spec.root.readonly = true;
  spec.linux.namespaces = spec.linux.namespaces.filter((ns) => ns.type !== "network");
  spec.mounts.push({
    destination: "/tmp",
    type: "tmpfs",
    source: "tmpfs",
    options: ["nosuid", "nodev", "mode=1777"],
  });
  for (const [source, destination] of Object.entries(options.mounts ?? {}))
    spec.mounts.push({ destination, type: "bind", source, options: ["bind", "ro"] });
  writeFileSync(specPath, JSON.stringify(spec));

  const id = `kruise-${tag}-${randomBytes(3).toString("hex")}`;
  const child = spawn("runc", ["run", "--bundle", bundle, id], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const wait = async (): Promise<number | null> => {
    const code = await exited;
    spawnSync("runc", ["delete", "--force", id], { stdio: "ignore" });
    rmSync(bundle, { recursive: true, force: true });
    return code;
  };
  return {
    id,
    child,
    output: () => output,
    pid: () => (JSON.parse(must("runc", ["state", id])) as { pid: number }).pid,
    wait,
    stop: async () => {
      if (child.exitCode === null) spawnSync("runc", ["kill", id, "TERM"], { stdio: "ignore" });
      return wait();
    },
  };
}
