// Local stand-in for @kruise/testenv until it lands: one etcd and one kube-apiserver on free 127.0.0.1 ports,
// an admin token, and a kubeconfig. Used only when `@kruise/testenv/vitest` cannot be loaded.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface StandinControlPlane {
  readonly kubeconfigPath: string;
  readonly binDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function binariesDir(repoRoot: string): string {
  const result = spawnSync("bash", [join(repoRoot, "tools/build-binaries.sh"), "--print"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`control-plane binaries are not built yet (tools/build-binaries.sh --print exited ${result.status})`);
  return result.stdout.trim();
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000}s`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killed = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
  if (!killed) {
    child.kill("SIGKILL");
    await exited;
  }
}

export async function startStandinControlPlane(repoRoot: string): Promise<StandinControlPlane> {
  const binDir = binariesDir(repoRoot);
  const dir = mkdtempSync(join(tmpdir(), "kruise-api-cp-"));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcd = spawn(
      join(binDir, "etcd"),
      [
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
        "--unsafe-no-fsync",
        "--log-level=error",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(etcd);
    await waitFor("etcd", 30_000, async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok);

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }));
    writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(16).toString("hex");
    writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,system:masters\n`);
    const apiserverLog = join(dir, "apiserver.log");
    const apiserver = spawn(
      join(binDir, "kube-apiserver"),
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, "certs")}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${join(dir, "sa.key")}`,
        "--authorization-mode=RBAC",
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--disable-admission-plugins=ServiceAccount",
        "--enable-priority-and-fairness=false",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    children.push(apiserver);
    let logText = "";
    apiserver.stderr?.on("data", (chunk: Buffer) => {
      logText = (logText + chunk.toString()).slice(-20_000);
      writeFileSync(apiserverLog, logText);
    });
    const kubeconfigPath = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfigPath,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: local\n  cluster:\n    server: https://127.0.0.1:${apiPort}\n    insecure-skip-tls-verify: true`,
        "users:",
        `- name: admin\n  user:\n    token: ${token}`,
        "contexts:",
        "- name: local\n  context:\n    cluster: local\n    user: admin\n    namespace: default",
        "current-context: local",
        "",
      ].join("\n"),
    );
    await waitFor("kube-apiserver", 90_000, async () => {
      const r = spawnSync(join(binDir, "kubectl"), ["--kubeconfig", kubeconfigPath, "get", "--raw", "/readyz"], { encoding: "utf8" });
      return r.status === 0;
    });
    return { kubeconfigPath, binDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
