// kubectl against the shared control plane of the vitest run (@kruise/testenv installs crds/ before any test).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { getTestEnv } from "@kruise/testenv/vitest";
import { crdSources, GROUP } from "../../src/index.ts";

export const repoRoot = join(import.meta.dirname, "../../../..");

export interface KubectlResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real kubectl, as admin, with a 30 s bound. */
export function kubectl(args: readonly string[], stdin?: string): KubectlResult {
  const env = getTestEnv();
  const result = spawnSync(join(env.binDir, "kubectl"), ["--kubeconfig", env.kubeconfigPath, ...args], {
    input: stdin,
    encoding: "utf8",
    timeout: 30_000,
    // `get crd -o json` of all nine CRDs, each serving two versions, is several MiB (the default cap is 1 MiB).
    maxBuffer: 64 << 20,
  });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** Waits until every Kruise CRD reports Established, or throws naming the ones that did not. */
export async function waitCrdsEstablished(timeoutMs = 60_000): Promise<void> {
  const names = crdSources.map((s) => `${s.plural}.${GROUP}`);
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  while (Date.now() < deadline) {
    const r = kubectl(["get", "crd", ...names, "-o", "json", "--ignore-not-found"]);
    if (r.status === 0 && r.stdout.trim() !== "") {
      const list = JSON.parse(r.stdout) as {
        items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
      };
      const established = new Set(
        list.items
          .filter((crd) =>
            crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True"),
          )
          .map((crd) => crd.metadata.name),
      );
      pending = names.filter((n) => !established.has(n));
      if (pending.length === 0) return;
    }
    await sleep(250);
  }
  throw new Error(`CRDs not Established after ${timeoutMs / 1000}s: ${pending.join(", ")}`);
}
