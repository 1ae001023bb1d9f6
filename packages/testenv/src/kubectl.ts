import { spawn } from "node:child_process";
import { join } from "node:path";
import { messageOf } from "./errors.ts";
import type { KubectlResult } from "./types.ts";

const KUBECTL_TIMEOUT_MS = 120_000;

/** Runs binDir/kubectl against a kubeconfig (optionally as another token). Resolves on any exit code. */
export async function runKubectl(
  binDir: string,
  kubeconfigPath: string,
  args: string[],
  opts: { input?: string; token?: string } = {},
): Promise<KubectlResult> {
  const fullArgs = [
    `--kubeconfig=${kubeconfigPath}`,
    ...(opts.token === undefined ? [] : [`--token=${opts.token}`]),
    ...args,
  ];
  return new Promise((resolve) => {
    const child = spawn(join(binDir, "kubectl"), fullArgs, {
      stdio: ["pipe", "pipe", "pipe"],
      timeout: KUBECTL_TIMEOUT_MS,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", (error) => resolve({ code: 127, stdout, stderr: `${stderr}${messageOf(error)}` }));
    child.once("close", (code, signal) =>
      resolve({ code: code ?? (signal === null ? 1 : 128), stdout, stderr }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}
