// Host-wide resources of real nodes: the addresses, bridges, cgroup dirs, mounts and sysctls that
// stop() must give back, and the slots that keep concurrent control planes on one host apart.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs a command; resolves with its output, rejects with its stderr in the message. */
export async function sh(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(" ")}: ${(e.stderr ?? "").trim() || e.message}`);
  }
}

/** Same, but a failure is only worth a log line (clean-up of something that may already be gone). */
export async function trySh(cmd: string, args: string[], timeoutMs?: number): Promise<boolean> {
  try {
    await sh(cmd, args, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

const STATE_DIR = "/run/kruise-testenv";
const NETNS_DIR = "/run/netns";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

interface SlotRecord {
  pid: number;
  workDir: string;
}

function readSlot(path: string): SlotRecord | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SlotRecord;
  } catch {
    return undefined;
  }
}

function liveSlots(except?: number): number[] {
  if (!existsSync(STATE_DIR)) return [];
  return readdirSync(STATE_DIR)
    .map((name) => /^slot-(\d+)$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .filter((n) => n !== except)
    .filter((n) => {
      const record = readSlot(join(STATE_DIR, `slot-${n}`));
      return record !== undefined && alive(record.pid);
    });
}

/**
 * The sysctls the kubelet, kube-proxy or the CNI bridge change, read before the first real node of the
 * host starts and written back when the last one stops.
 */
export const TRACKED_SYSCTLS = [
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
  "net/ipv4/ip_forward",
  "net/ipv4/conf/all/route_localnet",
  "net/bridge/bridge-nf-call-iptables",
  "net/bridge/bridge-nf-call-ip6tables",
  "net/netfilter/nf_conntrack_max",
];

export function readSysctls(): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of TRACKED_SYSCTLS) {
    try {
      values[key] = readFileSync(join("/proc/sys", key), "utf8").trim();
    } catch {
      // not on this kernel
    }
  }
  return values;
}

async function restoreSysctls(values: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(values)) {
    try {
      const now = readFileSync(join("/proc/sys", key), "utf8").trim();
      if (now !== value) await writeFile(join("/proc/sys", key), `${value}\n`);
    } catch {
      // read-only here, or gone
    }
  }
}

export interface HostSlot {
  slot: number;
  release(): Promise<void>;
}

/**
 * Takes a free host-wide slot (1..99) for this control plane's real nodes: it numbers their node IPs,
 * bridges, subnets and cgroup roots. A slot whose owner died is cleaned up (processes, mounts,
 * addresses, bridges, cgroup dirs) and reused. The first slot taken records the sysctls; releasing
 * the last one restores them.
 */
export async function acquireSlot(workDir: string): Promise<HostSlot> {
  await mkdir(STATE_DIR, { recursive: true });
  const sysctlFile = join(STATE_DIR, "sysctls.json");
  const netnsFlag = join(STATE_DIR, "netns-dir-created");
  const iptablesFlag = join(STATE_DIR, "iptables-had-no-kube-chains");
  for (let slot = 1; slot < 100; slot++) {
    const path = join(STATE_DIR, `slot-${slot}`);
    const stale = readSlot(path);
    if (stale !== undefined && alive(stale.pid)) continue;
    if (stale !== undefined) {
      await cleanSlot(slot, stale.workDir);
      await unlink(path).catch(() => {});
    }
    try {
      await writeFile(path, JSON.stringify({ pid: process.pid, workDir } satisfies SlotRecord), {
        flag: "wx",
      });
    } catch {
      continue; // another control plane took it first
    }
    if (liveSlots(slot).length === 0) {
      // A record left by a control plane that died still holds the values from before it: keep it.
      if (!existsSync(sysctlFile)) await writeFile(sysctlFile, JSON.stringify(readSysctls()));
      // containerd makes /run/netns for pod network namespaces; remove it again if it was not there.
      if (!existsSync(NETNS_DIR)) await writeFile(netnsFlag, "");
      // The kubelet leaves chains (KUBE-FIREWALL, canaries) that kube-proxy --cleanup does not remove.
      if (!(await hasKubernetesChains())) await writeFile(iptablesFlag, "");
    }
    return {
      slot,
      release: async () => {
        await unlink(path).catch(() => {});
        if (liveSlots().length > 0) return;
        try {
          await restoreSysctls(JSON.parse(await readFile(sysctlFile, "utf8")) as Record<string, string>);
          await unlink(sysctlFile);
        } catch {
          // nothing recorded
        }
        if (existsSync(iptablesFlag)) {
          await removeKubernetesChains();
          await unlink(iptablesFlag).catch(() => {});
        }
        if (existsSync(netnsFlag)) {
          await rmdir(NETNS_DIR).catch(() => {});
          await unlink(netnsFlag).catch(() => {});
        }
      },
    };
  }
  throw new Error("all 99 real-node slots of this host are taken by running control planes");
}

/** Takes the host's kube-proxy lock (iptables is one per host), or says who holds it. */
export async function acquireKubeProxyLock(): Promise<{ release: () => Promise<void> } | { heldBy: number }> {
  await mkdir(STATE_DIR, { recursive: true });
  const path = join(STATE_DIR, "kube-proxy");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      return { release: () => unlink(path).catch(() => {}) };
    } catch {
      const holder = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(holder) && alive(holder)) return { heldBy: holder };
      await unlink(path).catch(() => {});
    }
  }
  return { heldBy: -1 };
}

// ---- iptables

const IPTABLES = ["iptables", "ip6tables"];

async function hasKubernetesChains(): Promise<boolean> {
  for (const tool of IPTABLES) {
    const saved = await sh(`${tool}-save`, []).catch(() => "");
    if (/^:KUBE-/m.test(saved)) return true;
  }
  return false;
}

/**
 * Removes every KUBE-* chain and the jumps to them from the built-in chains, table by table, with
 * `iptables-restore --noflush` (rules of others are left alone).
 */
export async function removeKubernetesChains(): Promise<void> {
  for (const tool of IPTABLES) {
    const saved = await sh(`${tool}-save`, []).catch(() => "");
    const script: string[] = [];
    let table = "";
    let jumps: string[] = [];
    let chains: string[] = [];
    const flush = (): void => {
      if (table !== "" && chains.length + jumps.length > 0)
        script.push(
          `*${table}`,
          ...jumps,
          ...chains.map((c) => `-F ${c}`),
          ...chains.map((c) => `-X ${c}`),
          "COMMIT",
        );
      jumps = [];
      chains = [];
    };
    for (const line of saved.split("\n")) {
      if (line.startsWith("*")) {
        flush();
        table = line.slice(1);
      } else if (line.startsWith(":KUBE-")) chains.push(line.slice(1).split(" ")[0] ?? "");
      else if (line.startsWith("-A ") && !line.startsWith("-A KUBE-") && / -j KUBE-/.test(line))
        jumps.push(`-D ${line.slice(3)}`);
    }
    flush();
    if (script.length === 0) continue;
    await new Promise<void>((resolve) => {
      const child = execFile(`${tool}-restore`, ["--noflush"], () => resolve());
      child.stdin?.end(`${script.join("\n")}\n`);
    });
  }
}

// ---- cgroups

/** Mount points of the cgroup hierarchies (each v1 controller, plus a v2 or hybrid unified one). */
export function cgroupMounts(): string[] {
  const mounts: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    const fsType = right?.split(" ")[0];
    if (fsType === "cgroup" || fsType === "cgroup2") {
      const point = left?.split(" ")[4];
      if (point !== undefined) mounts.push(point);
    }
  }
  return mounts;
}

export async function createCgroupRoot(root: string): Promise<void> {
  for (const mount of cgroupMounts()) {
    const dir = join(mount, root);
    await mkdir(dir, { recursive: true });
    // A new cpuset cgroup has no CPUs or memory nodes until given its parent's.
    for (const file of ["cpuset.cpus", "cpuset.mems"]) {
      const own = join(dir, file);
      if (existsSync(own) && readFileSync(own, "utf8").trim() === "")
        await writeFile(own, readFileSync(join(mount, file), "utf8"));
    }
  }
}

function cgroupTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const below = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => cgroupTree(join(dir, entry.name)));
  return [...below, dir];
}

/** Kills every process left in the cgroup root, then removes its directories, deepest first. */
export async function removeCgroupRoot(root: string): Promise<string[]> {
  const left: string[] = [];
  for (const mount of cgroupMounts()) {
    for (const dir of cgroupTree(join(mount, root))) {
      for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
  for (const mount of cgroupMounts()) {
    for (const dir of cgroupTree(join(mount, root))) {
      let removed = false;
      for (let attempt = 0; attempt < 20 && !removed; attempt++) {
        try {
          await rmdir(dir);
          removed = true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      if (!removed) left.push(dir);
    }
  }
  return left;
}

// ---- mounts, processes, links

/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
    .map((point) => point.replace(/\\040/g, " "));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export async function unmountUnder(dir: string): Promise<void> {
  for (const point of mountsUnder(dir)) await trySh("umount", ["-l", point]);
}

/** Pids of processes whose command line mentions `needle` (a socket or folder unique to one node). */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(join("/proc", entry, "cmdline"), "utf8").includes(needle)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

export function linkExists(name: string): boolean {
  return existsSync(join("/sys/class/net", name));
}

export async function loAddresses(): Promise<string[]> {
  const out = await sh("ip", ["-4", "-o", "addr", "show", "dev", "lo"]);
  return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1] ?? "");
}

/** Adds `ip`/32 to `lo` (a node IP or the API server's address) unless it is there. */
export async function addLoopbackAddress(ip: string): Promise<void> {
  if (!(await loAddresses()).includes(ip)) await sh("ip", ["addr", "add", `${ip}/32`, "dev", "lo"]);
}

/** Removes `ip`/32 from `lo` if it is there. */
export async function removeLoopbackAddress(ip: string): Promise<void> {
  if ((await loAddresses()).includes(ip)) await trySh("ip", ["addr", "del", `${ip}/32`, "dev", "lo"]);
}

/**
 * Deletes the pod network namespaces (in /run/netns, where containerd puts them) whose eth0 has an
 * address starting with `addressPrefix` (a node's or a slot's pod subnet); their veths go with them.
 */
export async function removePodNetns(addressPrefix: string): Promise<void> {
  if (!existsSync(NETNS_DIR)) return;
  for (const name of readdirSync(NETNS_DIR).filter((n) => n.startsWith("cni-"))) {
    const addresses = await sh("ip", ["-n", name, "-4", "-o", "addr"]).catch(() => "");
    if (addresses.includes(` ${addressPrefix}`)) await trySh("ip", ["netns", "del", name]);
  }
}

/** What is left of a dead control plane's slot: its processes, mounts, bridges, addresses, cgroups. */
async function cleanSlot(slot: number, workDir: string): Promise<void> {
  if (workDir !== "") {
    killAll(processesMentioning(workDir));
    await unmountUnder(workDir);
  }
  await removePodNetns(`10.${128 + slot}.`);
  for (let index = 0; index < 10; index++) {
    await removeCgroupRoot(`/kruise-testenv-${slot}-${index}`);
    if (linkExists(`krts${slot}n${index}`)) await trySh("ip", ["link", "del", `krts${slot}n${index}`]);
  }
  for (const address of await loAddresses())
    if (address.startsWith(`10.99.${slot}.`))
      await trySh("ip", ["addr", "del", `${address}/32`, "dev", "lo"]);
  if (workDir !== "" && workDir.includes("kruise-testenv-"))
    await rm(workDir, { recursive: true, force: true });
}
