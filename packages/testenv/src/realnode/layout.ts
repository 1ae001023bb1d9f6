import { join } from "node:path";

/** Label on every real node, so that tests can choose them (nodeSelector) or avoid them. */
export const REAL_NODE_LABEL = "testenv.kruise.io/real";

/** At most this many real nodes per control plane. */
export const MAX_REAL_NODES = 3;

/**
 * Everything of one real node that must not clash with another node or another control plane on the
 * same host. `slot` (1..99) is this control plane's host-wide slot, `index` the node's number in it.
 */
export interface RealNodeLayout {
  name: string;
  index: number;
  slot: number;
  /** A /32 on `lo`: the kubelet refuses a loopback node IP, and traffic to it stays on the host. */
  nodeIP: string;
  /** The CNI bridge and its pod subnet (the bridge takes .1). */
  bridge: string;
  podSubnet: string;
  /** Under every cgroup v1 controller (and the v2 root): the kubelet's cgroupRoot. */
  cgroupRoot: string;
  dir: string;
  containerdSocket: string;
  runcRoot: string;
  cniConfDir: string;
  podLogsDir: string;
  kubeletRootDir: string;
}

/**
 * The API server's address when the control plane has real nodes: a /32 on `lo` like the node IPs, so
 * pods route to it (a loopback address cannot be a Service endpoint) and it is still not reachable from
 * another machine.
 */
export function apiserverAddress(slot: number): string {
  return `10.99.${slot}.254`;
}

/**
 * The real nodes' cluster DNS (the kubelets' clusterDNS): a /32 on `lo` like the API server's, so pods reach it
 * through their bridge gateway, and a slot's own so that two control planes' DNS servers never share an address.
 */
export function clusterDnsAddress(slot: number): string {
  return `10.99.${slot}.253`;
}

/** Node IPs are 10.99.<slot>.<index+1>; pod subnets 10.<128+slot>.<index>.0/24, all inside POD_CIDR. */
export const POD_CIDR = "10.128.0.0/9";

export function realNodeLayout(
  workDir: string,
  slot: number,
  index: number,
  namePrefix = "testenv-real-",
): RealNodeLayout {
  const dir = join(workDir, `real-${index}`);
  return {
    name: `${namePrefix}${index}`,
    index,
    slot,
    nodeIP: `10.99.${slot}.${index + 1}`,
    bridge: `krts${slot}n${index}`,
    podSubnet: `10.${128 + slot}.${index}.0/24`,
    cgroupRoot: `/kruise-testenv-${slot}-${index}`,
    dir,
    containerdSocket: join(dir, "containerd.sock"),
    runcRoot: join(dir, "runc"),
    cniConfDir: join(dir, "cni", "net.d"),
    podLogsDir: join(dir, "pod-logs"),
    kubeletRootDir: join(dir, "kubelet"),
  };
}
