// A private etcd + kube-apiserver for the SDK's own tests and benches. This is a local stand-in until
// @kruise/testenv's startControlPlane() lands; it offers the same few things the SDK tests need:
// server, caData, adminToken, kubeconfigPath, restartApiserver(), compactEtcd(), stop().
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";

export interface TestControlPlane {
  server: string;
  caData: string;
  adminToken: string;
  kubeconfigPath: string;
  dir: string;
  restartApiserver(): Promise<void>;
  stopApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  /** Compacts etcd at its current revision, so every older resourceVersion answers 410 Gone. */
  compactEtcd(): Promise<void>;
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** kube-apiserver --min-request-timeout (seconds): watches are closed by the server after a random time in [t, 2t]. */
  minRequestTimeout?: number;
  extraApiserverArgs?: string[];
}

export function binDir(): string {
  const out = spawnSync("bash", [new URL("../../../../tools/build-binaries.sh", import.meta.url).pathname, "--print"], {
    encoding: "utf8",
  });
  const dir = out.stdout.trim().split("\n").pop() ?? "";
  if (out.status !== 0 || !existsSync(join(dir, "kube-apiserver"))) {
    throw new Error(`control-plane binaries are not built yet (tools/build-binaries.sh --print exited ${out.status})`);
  }
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await exited;
  clearTimeout(timer);
}

export async function startTestControlPlane(options: ControlPlaneOptions = {}): Promise<TestControlPlane> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "sdk-cp-"));
  const etcdPort = await freePort();
  const peerPort = await freePort();
  const apiPort = await freePort();
  const etcdUrl = `http://127.0.0.1:${etcdPort}`;
  const etcdLog = openSync(join(dir, "etcd.log"), "a");
  const etcd = spawn(
    join(bin, "etcd"),
    [
      `--data-dir=${join(dir, "etcd")}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      "--unsafe-no-fsync",
      "--log-level=warn",
    ],
    { stdio: ["ignore", etcdLog, etcdLog] },
  );
  await waitFor("etcd", 30_000, async () => (await fetch(`${etcdUrl}/health`)).ok);

  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
  const adminToken = randomBytes(16).toString("hex");
  writeFileSync(join(dir, "tokens.csv"), `${adminToken},admin,admin,"system:masters"\n`);
  const certDir = join(dir, "certs");
  const args = [
    `--etcd-servers=${etcdUrl}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${apiPort}`,
    `--cert-dir=${certDir}`,
    "--service-cluster-ip-range=10.0.0.0/24",
    "--service-account-issuer=https://kubernetes.default.svc",
    `--service-account-key-file=${join(dir, "sa.pub")}`,
    `--service-account-signing-key-file=${join(dir, "sa.key")}`,
    `--token-auth-file=${join(dir, "tokens.csv")}`,
    "--authorization-mode=RBAC",
    "--disable-admission-plugins=ServiceAccount",
    "--enable-priority-and-fairness=false",
    "--max-requests-inflight=0",
    "--max-mutating-requests-inflight=0",
    ...(options.minRequestTimeout ? [`--min-request-timeout=${options.minRequestTimeout}`] : []),
    ...(options.extraApiserverArgs ?? []),
  ];
  const server = `https://127.0.0.1:${apiPort}`;
  let apiserver: ChildProcess | undefined;
  let caData = "";
  const startApiserver = async (): Promise<void> => {
    const log = openSync(join(dir, "apiserver.log"), "a");
    apiserver = spawn(join(bin, "kube-apiserver"), args, { stdio: ["ignore", log, log] });
    const insecure = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      await waitFor("kube-apiserver", 90_000, async () => {
        const res = await request(`${server}/readyz`, {
          dispatcher: insecure,
          headers: { authorization: `Bearer ${adminToken}` },
        });
        await res.body.text();
        return res.statusCode === 200;
      });
    } finally {
      await insecure.close();
    }
    caData = readFileSync(join(certDir, "apiserver.crt"), "utf8");
  };
  await startApiserver();
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(
    kubeconfigPath,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "test", cluster: { server, "certificate-authority-data": Buffer.from(caData).toString("base64") } }],
      users: [{ name: "admin", user: { token: adminToken } }],
      contexts: [{ name: "test", context: { cluster: "test", user: "admin" } }],
      "current-context": "test",
    }),
  );

  const etcdPost = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${etcdUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };

  return {
    server,
    get caData() {
      return caData;
    },
    adminToken,
    kubeconfigPath,
    dir,
    startApiserver,
    stopApiserver: () => stopProcess(apiserver),
    async restartApiserver() {
      await stopProcess(apiserver);
      await startApiserver();
    },
    async compactEtcd() {
      const range = await etcdPost("/v3/kv/range", { key: Buffer.from("/").toString("base64") });
      const header = range.header as { revision: string };
      await etcdPost("/v3/kv/compaction", { revision: header.revision, physical: true });
    },
    async stop() {
      await stopProcess(apiserver);
      await stopProcess(etcd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
