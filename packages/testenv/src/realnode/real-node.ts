import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { httpOkReadiness } from "../components/healthz.ts";
import { ManagedProcess, type ProcessSpec } from "../process/managed-process.ts";
import type { OrphanGuard } from "../process/orphan-guard.ts";
import { freePort } from "../ports.ts";
import { cniConfig, containerdConfig, kubeletConfig } from "./configs.ts";
import {
  addLoopbackAddress,
  createCgroupRoot,
  killAll,
  linkExists,
  processesMentioning,
  removeCgroupRoot,
  removeLoopbackAddress,
  removePodNetns,
  trySh,
  unmountUnder,
} from "./host.ts";
import { REAL_NODE_LABEL, type RealNodeLayout } from "./layout.ts";

export interface RealNodeContext {
  binDir: string;
  guard: OrphanGuard;
  /** Admin kubeconfig the kubelet uses (the API server runs RBAC only, no Node authorizer). */
  kubeconfigPath: string;
  registryUrl: string | undefined;
  /** The cluster DNS's address, for the kubelet's clusterDNS. */
  clusterDns: string;
  zone: string;
  log: (line: string) => void;
}

export const CONTAINERD_BINARY = "/usr/bin/containerd";

/**
 * One real node: containerd (CRI) with its own root, state, runc root, CNI bridge and subnet, and a
 * kubelet with its own node IP, ports, root dir, pod log dir and cgroup root. stop() removes all of it.
 */
export class RealNode {
  readonly layout: RealNodeLayout;
  readonly #context: RealNodeContext;
  #containerd: ManagedProcess | undefined;
  #kubelet: ManagedProcess | undefined;

  constructor(layout: RealNodeLayout, context: RealNodeContext) {
    this.layout = layout;
    this.#context = context;
  }

  get name(): string {
    return this.layout.name;
  }

  processes(): ManagedProcess[] {
    return [this.#containerd, this.#kubelet].filter((p): p is ManagedProcess => p?.running === true);
  }

  async start(): Promise<void> {
    const { layout } = this;
    const context = this.#context;
    for (const dir of [
      layout.dir,
      layout.cniConfDir,
      layout.podLogsDir,
      layout.kubeletRootDir,
      layout.runcRoot,
    ])
      await mkdir(dir, { recursive: true });
    const containerdToml = join(layout.dir, "containerd.toml");
    await writeFile(containerdToml, containerdConfig(layout, context.registryUrl));
    await writeFile(join(layout.cniConfDir, "10-bridge.conflist"), cniConfig(layout));
    await addLoopbackAddress(layout.nodeIP);
    await createCgroupRoot(layout.cgroupRoot);

    this.#containerd = new ManagedProcess(
      {
        name: `containerd (${layout.name})`,
        binary: CONTAINERD_BINARY,
        args: ["--config", containerdToml],
        logPath: join(layout.dir, "containerd.log"),
      },
      context.guard,
    );
    this.#containerd.start();
    await this.#containerd.waitUntilReady({
      timeoutMs: 30_000,
      intervalMs: 100,
      probe: async () => existsSync(layout.containerdSocket),
    });

    const ports = { port: await freePort(), healthz: await freePort() };
    const kubeletYaml = join(layout.dir, "kubelet.json");
    await writeFile(kubeletYaml, kubeletConfig(layout, ports, context.clusterDns));
    const spec: ProcessSpec = {
      name: `kubelet (${layout.name})`,
      binary: join(context.binDir, "kubelet"),
      args: [
        `--config=${kubeletYaml}`,
        `--kubeconfig=${context.kubeconfigPath}`,
        `--hostname-override=${layout.name}`,
        `--node-ip=${layout.nodeIP}`,
        `--root-dir=${layout.kubeletRootDir}`,
        `--cert-dir=${join(layout.kubeletRootDir, "pki")}`,
        `--node-labels=${REAL_NODE_LABEL}=true,topology.kubernetes.io/zone=${context.zone},topology.kubernetes.io/region=testenv`,
        "--v=1",
      ],
      logPath: join(layout.dir, "kubelet.log"),
    };
    this.#kubelet = new ManagedProcess(spec, context.guard);
    this.#kubelet.start();
    await this.#kubelet.waitUntilReady(httpOkReadiness(`http://127.0.0.1:${ports.healthz}/healthz`));
  }

  /** Stops the kubelet, removes every pod sandbox through CRI, stops containerd, then gives back the host's resources. */
  async stop(): Promise<void> {
    const { layout } = this;
    await this.#kubelet?.stop();
    if (this.#containerd?.running === true) {
      await trySh(
        join(this.#context.binDir, "crictl"),
        [
          "--runtime-endpoint",
          `unix://${layout.containerdSocket}`,
          "--timeout",
          "20s",
          "rmp",
          "--all",
          "--force",
        ],
        60_000,
      );
    }
    await this.#containerd?.stop();
    // Shims outlive containerd; their command line names this node's socket.
    killAll(processesMentioning(layout.containerdSocket));
    const leftCgroups = await removeCgroupRoot(layout.cgroupRoot);
    // Sandboxes that CRI could not remove keep a network namespace (and so a veth on the bridge).
    await removePodNetns(layout.podSubnet.replace(/0\/24$/, ""));
    await unmountUnder(layout.dir);
    if (linkExists(layout.bridge)) await trySh("ip", ["link", "del", layout.bridge]);
    await removeLoopbackAddress(layout.nodeIP);
    if (leftCgroups.length > 0)
      this.#context.log(`${layout.name}: could not remove cgroups ${leftCgroups.join(", ")}`);
  }
}
