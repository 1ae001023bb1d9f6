// A private etcd + kube-apiserver + nats-server for the leader, recorder and eventbus tests, used until
// @kruise/testenv's startControlPlane() lands. Tests that stop an apiserver or NATS need their own anyway.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, openSync } from "node:fs";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, fetch } from "undici";

const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export function binDir(): string {
  const result = spawnSync("bash", ["/work/main/tools/build-binaries.sh", "--print"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`control-plane binaries are missing (build-binaries.sh --print exited ${result.status})`);
  return result.stdout.trim();
}

export async function freePort(): Promise<number> {
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

async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function launch(command: string, args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", out, out] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface Apiserver {
  server: string;
  /** Its self-signed serving certificate, to trust. */
  ca: string;
  stop(): Promise<void>;
}

export interface CommsControlPlane {
  server: string;
  token: string;
  ca: string;
  natsUrl: string;
  dir: string;
  stopNats(): Promise<void>;
  startNats(): Promise<void>;
  /** Another kube-apiserver on the same etcd, so a test can cut one client off without disturbing the others. */
  startExtraApiserver(): Promise<Apiserver>;
  stop(): Promise<void>;
}

export async function startCommsControlPlane(opts: { apiserver?: boolean } = {}): Promise<CommsControlPlane> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "kruise-comms-"));
  const token = randomBytes(16).toString("hex");
  const started: ChildProcess[] = [];

  const natsPort = await freePort();
  let nats: ChildProcess | undefined;
  const startNats = async (): Promise<void> => {
    nats = launch(join(bin, "nats-server"), ["-js", "-sd", join(dir, "nats"), "-a", "127.0.0.1", "-p", String(natsPort)], join(dir, "nats.log"));
    await waitFor("nats-server", 20_000, () => tcpOpen(natsPort));
  };
  await startNats();

  let server = "";
  let ca = "";
  const apiservers: Apiserver[] = [];
  let etcd: ChildProcess | undefined;
  let etcdUrl = "";
  const startApiserver = async (): Promise<Apiserver> => {
    const port = await freePort();
    const certDir = join(dir, `certs-${port}`);
    mkdirSync(certDir, { recursive: true });
    const child = launch(
      join(bin, "kube-apiserver"),
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${port}`,
        `--cert-dir=${certDir}`,
        `--token-auth-file=${join(dir, "tokens.csv")}`,
        "--authorization-mode=RBAC",
        "--service-account-issuer=https://kubernetes.default.svc",
        `--service-account-key-file=${join(dir, "sa.pub")}`,
        `--service-account-signing-key-file=${join(dir, "sa.key")}`,
        "--service-cluster-ip-range=10.0.0.0/24",
        "--enable-priority-and-fairness=false",
        "--event-ttl=1h",
      ],
      join(dir, `apiserver-${port}.log`),
    );
    const url = `https://127.0.0.1:${port}`;
    await waitFor("kube-apiserver", 120_000, async () => {
      const certFile = join(certDir, "apiserver.crt");
      const cert = readFileSync(certFile, "utf8");
      const dispatcher = new Agent({ connect: { ca: cert } });
      try {
        const response = await fetch(`${url}/readyz`, { dispatcher, headers: { authorization: `Bearer ${token}` } });
        await response.text();
        return response.ok;
      } finally {
        await dispatcher.close();
      }
    });
    const handle: Apiserver = { server: url, ca: readFileSync(join(certDir, "apiserver.crt"), "utf8"), stop: () => stopProcess(child) };
    apiservers.push(handle);
    if (!ca) ca = handle.ca;
    return handle;
  };

  if (opts.apiserver !== false) {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
    writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }));
    writeFileSync(join(dir, "tokens.csv"), `${token},admin,admin,"system:masters"\n`);
    const clientPort = await freePort();
    const peerPort = await freePort();
    etcdUrl = `http://127.0.0.1:${clientPort}`;
    etcd = launch(
      join(bin, "etcd"),
      [
        `--data-dir=${join(dir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
        `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
        "--unsafe-no-fsync",
      ],
      join(dir, "etcd.log"),
    );
    started.push(etcd);
    await waitFor("etcd", 30_000, () => tcpOpen(clientPort));
    server = (await startApiserver()).server;
  }

  return {
    server,
    token,
    get ca() {
      return ca;
    },
    natsUrl: `nats://127.0.0.1:${natsPort}`,
    dir,
    stopNats: () => stopProcess(nats),
    startNats,
    startExtraApiserver: startApiserver,
    stop: async () => {
      await Promise.all(apiservers.map((a) => a.stop()));
      await stopProcess(nats);
      await stopProcess(etcd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
