import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";
import { findRepoRoot } from "../repo-root.ts";
import { httpOkReadiness } from "./healthz.ts";

const run = promisify(execFile);

/** Debian's docker-registry (CNCF distribution 2.8): a real OCI registry, not one of ours. */
export const REGISTRY_BINARY = "/usr/bin/docker-registry";

/**
 * The registries every node's containerd (real, or a simulated node's image service) mirrors to the local
 * registry, so images keep their usual names: docker.io and registry.k8s.io for the test images, ghcr.io for
 * the controller images the charts name (`npm run images -- --push <local registry>/kruise-ts`).
 */
export const MIRRORED_REGISTRIES = ["docker.io", "registry.k8s.io", "ghcr.io"];

/** Where a control plane's registry is reached and what it serves. */
export interface RegistryInfo {
  /** host:port, for image references (`${address}/my-controller:dev`) and `crane push`. */
  address: string;
  /** http://host:port */
  url: string;
}

/**
 * The storage folder of the built test images (`tools/build-images.sh --print`), or why there is none.
 * Never builds: `npm run binaries`/`tools/setup.sh` does that.
 */
export async function findTestImages(): Promise<{ dir: string } | { problem: string }> {
  if (!existsSync(REGISTRY_BINARY))
    return { problem: `${REGISTRY_BINARY} is missing (run tools/host-packages.sh as root)` };
  const root = findRepoRoot();
  if (root === undefined) return { problem: "the Kruise-TS repository was not found" };
  try {
    const { stdout } = await run("bash", [join(root, "tools", "build-images.sh"), "--print"], {
      timeout: 30_000,
    });
    const dir = stdout.trim().split("\n").at(-1) ?? "";
    if (dir !== "" && existsSync(dir)) return { dir };
  } catch {
    // exit 3: not built yet
  }
  return { problem: "the test images are not built (run tools/setup.sh, or bash tools/build-images.sh)" };
}

/**
 * Gives this control plane its own copy of the image store: blobs are content-addressed and never
 * rewritten, so they are hard links into the cache; tag and link files are copied, because the
 * registry rewrites those in place when a test pushes.
 */
export async function copyImageStore(seed: string, dest: string): Promise<void> {
  const v2 = join("docker", "registry", "v2");
  await mkdir(join(dest, v2), { recursive: true });
  if (existsSync(join(seed, v2, "blobs")))
    await run("cp", ["-al", join(seed, v2, "blobs"), join(dest, v2, "blobs")]);
  if (existsSync(join(seed, v2, "repositories")))
    await run("cp", ["-a", join(seed, v2, "repositories"), join(dest, v2, "repositories")]);
}

export async function registrySpec(workDir: string, port: number, storageDir: string): Promise<ProcessSpec> {
  const config = join(workDir, "registry.yml");
  await writeFile(
    config,
    [
      "version: 0.1",
      "log: { level: warn, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${storageDir} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      "",
    ].join("\n"),
  );
  return {
    name: "registry",
    binary: REGISTRY_BINARY,
    args: ["serve", config],
    logPath: join(workDir, "registry.log"),
  };
}

export function registryReadiness(url: string): ReadinessCheck {
  return httpOkReadiness(`${url}/v2/`, 20_000, 100);
}
