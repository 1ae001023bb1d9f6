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
  /**
   * The address kube-apiserver binds and advertises. 127.0.0.1 without real nodes; with them an address of
   * `lo` that pods route to (see apiserverAddress), so the `kubernetes` Service gets it as its endpoint.
   */
  address: string;
}

/** Pods reach the API server through the `kubernetes` Service only when it advertises a non-loopback address. */
export function servesPods(address: string): boolean {
  return !address.startsWith("127.");
}

/**
 * Where kube-apiserver writes the self-signed serving certificate (and its CA) on first start. The
 * certificate names the bind address, so another address gets another folder (a workDir that npm start
 * reuses may have served on 127.0.0.1 before).
 */
export function apiserverCertDir(workDir: string, address: string): string {
  return join(workDir, servesPods(address) ? `apiserver-certs-${address}` : "apiserver-certs");
}

/** The PEM bundle (serving certificate and its CA) that clients, and pods' kube-root-ca.crt, trust. */
export function apiserverCaFile(workDir: string, address: string): string {
  return join(apiserverCertDir(workDir, address), "apiserver.crt");
}

export function apiserverSpec(config: ApiserverConfig): ProcessSpec {
  const { credentials } = config;
  const args = [
    `--etcd-servers=${config.etcdUrl}`,
    `--bind-address=${config.address}`,
    `--advertise-address=${config.address}`,
    `--secure-port=${config.port}`,
    `--cert-dir=${apiserverCertDir(config.workDir, config.address)}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${credentials.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${credentials.serviceAccountPrivateKey}`,
    "--authorization-mode=RBAC",
    `--token-auth-file=${credentials.tokenFile}`,
    ...(servesPods(config.address)
      ? // Pods that really run get what a cluster gives them: the ServiceAccount plugin mounts a projected
        // token, the ServiceAccount's namespace and kube-root-ca.crt; the lease reconciler makes this
        // address:port the `kubernetes` Service's endpoint, which kube-proxy DNATs 10.0.0.1:443 to.
        []
      : [
          // Simulated kubelets mount nothing; the plugin would also reject a pod created in the moment
          // before its namespace's "default" ServiceAccount exists.
          "--disable-admission-plugins=ServiceAccount",
          // A loopback advertise address cannot back the "kubernetes" Service's endpoints.
          "--endpoint-reconciler-type=none",
        ]),
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
