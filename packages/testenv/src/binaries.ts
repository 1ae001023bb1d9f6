import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { ControlPlaneError } from "./errors.ts";
import { findRepoRoot } from "./repo-root.ts";

/** Binaries a control plane runs. helm is built alongside but only the chart tests need it. */
export const REQUIRED_BINARIES = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubectl",
  "nats-server",
] as const;

const HOW_TO_BUILD =
  "run `npm run binaries` in the Kruise-TS repository (a cold build takes 15-30 minutes), " +
  "or point KRUISE_BIN_DIR at a folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and nats-server";

/**
 * The folder with the control-plane binaries: `explicitDir`, else $KRUISE_BIN_DIR, else what
 * `tools/build-binaries.sh --print` reports. Throws a ControlPlaneError telling to run `npm run binaries`.
 */
export async function findBinaries(explicitDir?: string): Promise<string> {
  const dir = explicitDir ?? process.env.KRUISE_BIN_DIR ?? (await binDirFromBuildScript());
  const missing: string[] = [];
  for (const name of REQUIRED_BINARIES) {
    try {
      await access(join(dir, name), constants.X_OK);
    } catch {
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new ControlPlaneError(
      "binaries",
      `missing or not executable in ${dir}: ${missing.join(", ")}`,
      HOW_TO_BUILD,
    );
  }
  return dir;
}

async function binDirFromBuildScript(): Promise<string> {
  const root = findRepoRoot();
  if (root === undefined) {
    throw new ControlPlaneError(
      "binaries",
      "KRUISE_BIN_DIR is not set and the Kruise-TS repository was not found",
      HOW_TO_BUILD,
    );
  }
  const script = join(root, "tools", "build-binaries.sh");
  return new Promise((resolve, reject) => {
    execFile("bash", [script, "--print"], { timeout: 30_000 }, (error, stdout) => {
      const dir = stdout.trim().split("\n").at(-1) ?? "";
      if (error === null && dir !== "") {
        resolve(dir);
        return;
      }
      const code = typeof error?.code === "number" ? error.code : undefined;
      const problem =
        code === 3
          ? "the control-plane binaries are not built yet"
          : `\`${script} --print\` failed: ${error?.message ?? "no output"}`;
      reject(new ControlPlaneError("binaries", problem, HOW_TO_BUILD));
    });
  });
}
