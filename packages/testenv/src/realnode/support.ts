import { existsSync } from "node:fs";
import { join } from "node:path";
import { CONTAINERD_BINARY } from "./real-node.ts";

/**
 * Whether this machine can run real nodes, or one line saying why not: Linux, root, and the Debian
 * packages and Go-built binaries that tools/setup.sh installs.
 */
export function realNodeSupport(binDir: string): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== "linux")
    return { ok: false, reason: `real nodes need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: "real nodes need root (containerd, mounts, cgroups, iptables)" };
  const missing = [
    CONTAINERD_BINARY,
    "/usr/sbin/runc",
    "/usr/lib/cni/bridge",
    "/usr/lib/cni/host-local",
    "/usr/lib/cni/loopback",
    "/usr/sbin/iptables",
    join(binDir, "kubelet"),
    join(binDir, "kube-proxy"),
    join(binDir, "crictl"),
    join(binDir, "coredns"),
  ].filter((path) => !existsSync(path));
  if (missing.length > 0)
    return { ok: false, reason: `real nodes need ${missing.join(", ")} (run tools/setup.sh as root)` };
  if (!existsSync("/sys/fs/cgroup")) return { ok: false, reason: "real nodes need /sys/fs/cgroup" };
  return { ok: true };
}
