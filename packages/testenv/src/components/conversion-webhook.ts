// The repository's CRD conversion webhook (apps/conversion-webhook) as a control-plane component: the CRDs in crds/
// whose versions differ in shape name it, so `kubectl get` of their v1beta1 (kubectl's preferred version) needs it.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import type { KubeHttpClient } from "../kube/http-client.ts";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";
import { findRepoRoot } from "../repo-root.ts";

/** The webhook's entry point in this repository, or undefined outside it (then no CRD needs it). */
export function conversionWebhookMain(): string | undefined {
  const root = findRepoRoot();
  const main = root === undefined ? undefined : join(root, "apps", "conversion-webhook", "src", "main.ts");
  return main !== undefined && existsSync(main) ? main : undefined;
}

export function conversionWebhookSpec(opts: {
  main: string;
  workDir: string;
  kubeconfigPath: string;
  port: number;
  healthPort: number;
}): ProcessSpec {
  return {
    name: "conversion-webhook",
    binary: process.execPath,
    args: [
      "--conditions=@kruise/source",
      opts.main,
      `--kubeconfig=${opts.kubeconfigPath}`,
      "--namespace=kube-system",
      "--webhook-host=127.0.0.1",
      `--webhook-bind-address=127.0.0.1:${opts.port}`,
      `--health-probe-bind-address=127.0.0.1:${opts.healthPort}`,
      "--metrics-bind-address=0",
      "--leader-elect=false",
      "--log-level=warn",
    ],
    logPath: join(opts.workDir, "conversion-webhook.log"),
  };
}

interface Crd {
  spec?: {
    conversion?: { strategy?: string; webhook?: { clientConfig?: { url?: string; caBundle?: string } } };
  };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Ready once the process listens and every CRD converted by webhook names its URL with a CA bundle (after a
 * restart the CRDs still name it from before: the port must answer too).
 */
export function conversionWebhookReadiness(
  client: KubeHttpClient,
  crdNames: readonly string[],
  port: number,
): ReadinessCheck {
  const url = `https://127.0.0.1:${port}/convert`;
  return {
    timeoutMs: 60_000,
    intervalMs: 200,
    probe: async () => {
      if (!(await listening(port))) return false;
      for (const name of crdNames) {
        const crd = await client.get<Crd>(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
        const config = crd.spec?.conversion?.webhook?.clientConfig;
        if (config?.url !== url || !config.caBundle) return false;
      }
      return true;
    },
  };
}

/** The installed CRDs whose conversion strategy is Webhook. */
export async function webhookConvertedCrds(client: KubeHttpClient): Promise<string[]> {
  const list = await client.get<{ items: Array<Crd & { metadata: { name: string } }> }>(
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
  );
  return list.items.filter((c) => c.spec?.conversion?.strategy === "Webhook").map((c) => c.metadata.name);
}
