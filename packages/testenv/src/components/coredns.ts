import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ProcessSpec } from "../process/managed-process.ts";

/** The cluster domain of every real node's kubelet (`clusterDomain`) and of the cluster DNS's zone. */
export const CLUSTER_DOMAIN = "cluster.local";

/**
 * The real nodes' cluster DNS: CoreDNS (tools/coredns/main.go) with its kubernetes plugin against the control
 * plane, answering the names of the Kubernetes DNS spec (`<service>.<namespace>.svc.cluster.local`: a ClusterIP
 * Service's IP, a headless one's ready endpoints; `<pod-ip-dashed>.<namespace>.pod`; PTR records) on `address`:53.
 *
 * # Guarantees
 * - It listens on `address` only (a /32 of `lo` that the pods route to through their node's bridge gateway),
 *   never on the host's other addresses, so it cannot clash with a resolver of the host or of another slot.
 * - Names outside the cluster domain are refused at once (no upstream: this machine has no network), so a
 *   pod's search list ends quickly.
 *
 * # Caveats
 * - No cache: a test that creates a Service and resolves it at once sees it as soon as the informer has it.
 * - Only failed lookups are logged (coredns.log), to say why a pod could not resolve a name.
 * - It reads the API with the admin kubeconfig (CoreDNS's real ClusterRole would need a user of its own).
 */
export function corednsSpec(
  binDir: string,
  workDir: string,
  address: string,
  kubeconfigPath: string,
  /** The `ready` plugin's port on 127.0.0.1: 200 once the kubernetes plugin has synced with the API server. */
  readyPort: number,
): ProcessSpec {
  const corefile = join(workDir, "Corefile");
  writeFileSync(
    corefile,
    [
      `${CLUSTER_DOMAIN}:53 in-addr.arpa:53 ip6.arpa:53 {`,
      `  bind ${address}`,
      "  errors",
      "  log . {",
      "    class denial error",
      "  }",
      `  ready 127.0.0.1:${readyPort}`,
      `  kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {`,
      `    kubeconfig ${kubeconfigPath}`,
      "    pods insecure",
      "    fallthrough in-addr.arpa ip6.arpa",
      "    ttl 5",
      "  }",
      "  loadbalance",
      "}",
      "",
    ].join("\n"),
  );
  return {
    name: "coredns",
    binary: join(binDir, "coredns"),
    args: ["-conf", corefile],
    logPath: join(workDir, "coredns.log"),
  };
}

/** The `ready` plugin's URL: 200 once every plugin (the kubernetes one: its informers synced) is ready. */
export function corednsReadyUrl(readyPort: number): string {
  return `http://127.0.0.1:${readyPort}/ready`;
}
