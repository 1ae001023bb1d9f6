import { join } from "node:path";
import { MIRRORED_REGISTRIES } from "../components/registry.ts";
import { CLUSTER_DOMAIN } from "../components/coredns.ts";
import { POD_CIDR, type RealNodeLayout } from "./layout.ts";

/** The sandbox image every containerd runs for a pod; the local registry serves it. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/**
 * containerd 1.6 with the CRI plugin, all state under the node's folder: its own socket, root, state,
 * runc root, CNI config, and MIRRORED_REGISTRIES mirrored to the local registry, so pods use their
 * usual image names and report `repo@sha256:<manifest digest>` as their imageID.
 */
export function containerdConfig(
  node: Pick<RealNodeLayout, "dir" | "containerdSocket" | "runcRoot" | "cniConfDir">,
  registryUrl: string | undefined,
): string {
  const mirrors =
    registryUrl === undefined
      ? []
      : MIRRORED_REGISTRIES.flatMap((host) => [
          `[plugins."io.containerd.grpc.v1.cri".registry.mirrors."${host}"]`,
          `  endpoint = ["${registryUrl}"]`,
        ]);
  return [
    "version = 2",
    `root = "${join(node.dir, "containerd", "root")}"`,
    `state = "${join(node.dir, "containerd", "state")}"`,
    "oom_score = 0",
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    "[grpc]",
    `  address = "${node.containerdSocket}"`,
    "[ttrpc]",
    `  address = "${node.containerdSocket}.ttrpc"`,
    "[debug]",
    '  address = ""',
    '  level = "info"',
    "[metrics]",
    '  address = ""',
    `[plugins."io.containerd.internal.v1.opt"]`,
    `  path = "${join(node.dir, "containerd", "opt")}"`,
    `[plugins."io.containerd.grpc.v1.cri"]`,
    `  sandbox_image = "${PAUSE_IMAGE}"`,
    // runc cannot write oom_score_adj here (CAP_SYS_RESOURCE is not in the bounding set).
    "  restrict_oom_score_adj = true",
    "  disable_apparmor = true",
    '  stream_server_address = "127.0.0.1"',
    '  stream_server_port = "0"',
    "  max_concurrent_downloads = 4",
    `[plugins."io.containerd.grpc.v1.cri".containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]`,
    `  Root = "${node.runcRoot}"`,
    "  SystemdCgroup = false",
    `[plugins."io.containerd.grpc.v1.cri".cni]`,
    '  bin_dir = "/usr/lib/cni"',
    `  conf_dir = "${node.cniConfDir}"`,
    "  max_conf_num = 1",
    ...mirrors,
    "",
  ].join("\n");
}

/** A bridge network of the node's own: its bridge, subnet and IPAM store. */
export function cniConfig(node: RealNodeLayout): string {
  return `${JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: `kruise-testenv-${node.slot}-${node.index}`,
      plugins: [
        {
          type: "bridge",
          bridge: node.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: node.podSubnet }]],
            routes: [{ dst: "0.0.0.0/0" }],
            dataDir: join(node.dir, "cni", "ipam"),
          },
        },
        { type: "loopback" },
      ],
    },
    null,
    2,
  )}\n`;
}

export interface KubeletPorts {
  port: number;
  healthz: number;
}

/**
 * The kubelet's configuration for this host: cgroup v1 allowed, cgroupfs under the node's own cgroupRoot,
 * its own pod log folder (a shared one gets garbage-collected by the other kubelets), the control plane's cluster
 * DNS for its pods (`clusterDns`: ClusterFirst pods get it and the cluster domain's search list), no swap check,
 * eviction thresholds that a busy shared disk does not trip, and no image garbage collection.
 *
 * # Caveats
 * The kubelet API accepts anonymous requests: it listens only on the node IP, an address of `lo`
 * that no other machine reaches, and kube-apiserver has no client certificate to present.
 */
export function kubeletConfig(node: RealNodeLayout, ports: KubeletPorts, clusterDns: string): string {
  return `${JSON.stringify(
    {
      apiVersion: "kubelet.config.k8s.io/v1beta1",
      kind: "KubeletConfiguration",
      address: node.nodeIP,
      port: ports.port,
      readOnlyPort: 0,
      healthzBindAddress: "127.0.0.1",
      healthzPort: ports.healthz,
      authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
      authorization: { mode: "AlwaysAllow" },
      cgroupDriver: "cgroupfs",
      cgroupRoot: node.cgroupRoot,
      failCgroupV1: false,
      containerRuntimeEndpoint: `unix://${node.containerdSocket}`,
      podLogsDir: node.podLogsDir,
      volumePluginDir: join(node.dir, "volume-plugins"),
      failSwapOn: false,
      resolvConf: "/etc/resolv.conf",
      clusterDomain: CLUSTER_DOMAIN,
      clusterDNS: [clusterDns],
      serializeImagePulls: false,
      maxPods: 110,
      evictionHard: {
        "memory.available": "50Mi",
        "nodefs.available": "1%",
        "nodefs.inodesFree": "1%",
        "imagefs.available": "1%",
      },
      imageGCHighThresholdPercent: 100,
      imageGCLowThresholdPercent: 99,
      shutdownGracePeriod: "0s",
      shutdownGracePeriodCriticalPods: "0s",
      containerLogMaxSize: "10Mi",
      nodeStatusReportFrequency: "1m",
    },
    null,
    2,
  )}\n`;
}

export interface KubeProxyPorts {
  healthz: number;
  metrics: number;
}

/**
 * kube-proxy in iptables mode for every real node of the control plane. It touches no conntrack or
 * route_localnet sysctl (maxPerCore 0, no localhost NodePorts).
 */
export function kubeProxyConfig(kubeconfigPath: string, hostname: string, ports: KubeProxyPorts): string {
  return `${JSON.stringify(
    {
      apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
      kind: "KubeProxyConfiguration",
      clientConnection: { kubeconfig: kubeconfigPath },
      hostnameOverride: hostname,
      healthzBindAddress: `127.0.0.1:${ports.healthz}`,
      metricsBindAddress: `127.0.0.1:${ports.metrics}`,
      mode: "iptables",
      clusterCIDR: POD_CIDR,
      nodePortAddresses: ["10.99.0.0/16"],
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: "0s", tcpCloseWaitTimeout: "0s" },
      iptables: { localhostNodePorts: false, masqueradeAll: false, syncPeriod: "30s", minSyncPeriod: "1s" },
    },
    null,
    2,
  )}\n`;
}
