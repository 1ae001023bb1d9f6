import { join } from "node:path";
import type { Credentials } from "../credentials.ts";
import { KubeHttpClient } from "../kube/http-client.ts";
import type { ProcessSpec, ReadinessCheck } from "../process/managed-process.ts";

export interface ApiserverConfig {
  binDir: string;
  workDir: string;
  port: number;
  etcdUrl: string;
  credentials: Credentials;
  benchmarkMode: boolean;
  watchCache: boolean;
}

/** Where kube-apiserver writes the self-signed serving certificate (and its CA) on first start. */
export function apiserverCertDir(workDir: string): string {
  return join(workDir, "apiserver-certs");
}

export function apiserverSpec(config: ApiserverConfig): ProcessSpec {
  const { credentials } = config;
  const args = [
    `--etcd-servers=${config.etcdUrl}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${config.port}`,
    `--cert-dir=${apiserverCertDir(config.workDir)}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${credentials.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${credentials.serviceAccountPrivateKey}`,
    "--authorization-mode=RBAC",
    `--token-auth-file=${credentials.tokenFile}`,
    // No token controller runs and pods need no API credentials in a simulated kubelet; the plugin
    // would also reject pods created before the "default" ServiceAccount exists.
    "--disable-admission-plugins=ServiceAccount",
    // A loopback advertise address cannot back the "kubernetes" Service's endpoints.
    "--endpoint-reconciler-type=none",
    "--allow-privileged=true",
    // Real nodes register their /32 node IP as InternalIP; exec, logs and port-forward go there.
    "--kubelet-preferred-address-types=InternalIP",
    "--profiling=false",
    "--v=1",
  ];
  if (!config.watchCache) args.push("--watch-cache=false");
  if (config.benchmarkMode) {
    args.push(
      "--enable-priority-and-fairness=false",
      "--max-requests-inflight=0",
      "--max-mutating-requests-inflight=0",
    );
  }
  return {
    name: "kube-apiserver",
    binary: join(config.binDir, "kube-apiserver"),
    logPath: join(config.workDir, "kube-apiserver.log"),
    args,
  };
}

/** /readyz as admin: the token works from the first second, before RBAC's bootstrap roles exist. */
export function apiserverReadiness(server: string, adminToken: string): ReadinessCheck {
  const probeClient = new KubeHttpClient({ server, caData: undefined, token: adminToken }, 1);
  return {
    timeoutMs: 90_000,
    intervalMs: 250,
    probe: async () => (await probeClient.raw("GET", "/readyz", { timeoutMs: 5_000 })).statusCode === 200,
  };
}
