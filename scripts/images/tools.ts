// The image build's external tools (Debian packages: mmdebstrap builds the base, umoci assembles the OCI image
// layout, skopeo pushes, tar and binutils' strip make layers). tools/setup.sh installs them.
import { spawnSync, type SpawnSyncOptions } from "node:child_process";

export const IMAGE_TOOLS: Readonly<Record<string, string>> = {
  mmdebstrap: "mmdebstrap",
  umoci: "umoci",
  skopeo: "skopeo",
  tar: "tar",
  strip: "binutils",
};

/** The tools of `names` not on PATH, as "tool (Debian package)". */
export function missingTools(names: readonly string[]): string[] {
  return names
    .filter((name) => spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status !== 0)
    .map((name) => `${name} (Debian package ${IMAGE_TOOLS[name] ?? name})`);
}

/** Runs a command to completion; throws with its stderr when it fails. Returns stdout. */
export function must(command: string, args: readonly string[], options: SpawnSyncOptions = {}): string {
  const res = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 << 20, ...options });
  if (res.status !== 0) {
    const stderr = typeof res.stderr === "string" ? res.stderr : "";
    throw new Error(`${command} ${args.join(" ")} exited ${res.status ?? "by signal"}\n${stderr}`);
  }
  return typeof res.stdout === "string" ? res.stdout : "";
}
