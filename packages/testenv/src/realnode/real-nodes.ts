import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Node } from "kubernetes-types/core/v1.js";
import { corednsReadyUrl, corednsSpec } from "../components/coredns.ts";
import { httpOkReadiness } from "../components/healthz.ts";
import { ControlPlaneError, messageOf } from "../errors.ts";
import type { KubeHttpClient } from "../kube/http-client.ts";
import { ManagedProcess } from "../process/managed-process.ts";
import type { OrphanGuard } from "../process/orphan-guard.ts";
import { freePort } from "../ports.ts";
import { kubeProxyConfig } from "./configs.ts";
import {
  acquireKubeProxyLock,
  addLoopbackAddress,
  removeLoopbackAddress,
  trySh,
  type HostSlot,
} from "./host.ts";
import { clusterDnsAddress, realNodeLayout } from "./layout.ts";
import { RealNode } from "./real-node.ts";

export interface RealNodesOptions {
  count: number;
  /** The host-wide slot the control plane took (acquireSlot); its owner releases it after stop(). */
  slot: HostSlot;
  workDir: string;
  binDir: string;
  guard: OrphanGuard;
  kubeconfigPath: string;
  registryUrl: string | undefined;
  zones: string[];
  client: KubeHttpClient;
  log: (line: string) => void;
}

/** The real nodes of one control plane, their cluster DNS, and the kube-proxy that serves them all. */
export class RealNodes {
  readonly nodes: RealNode[];
  /** The cluster DNS's address: every real node's kubelet gives it to its pods (clusterDNS). */
  readonly dnsAddress: string;
  readonly #options: RealNodesOptions;
  #coredns: ManagedProcess | undefined;
  #kubeProxy: ManagedProcess | undefined;
  #releaseKubeProxy: (() => Promise<void>) | undefined;

  private constructor(nodes: RealNode[], dnsAddress: string, options: RealNodesOptions) {
    this.nodes = nodes;
    this.dnsAddress = dnsAddress;
    this.#options = options;
  }

  /** Starts the cluster DNS, `count` real nodes (in parallel) and kube-proxy; resolves when every Node is Ready. */
  static async start(options: RealNodesOptions): Promise<RealNodes> {
    const { slot } = options;
    const dnsAddress = clusterDnsAddress(slot.slot);
    const nodes = Array.from(
      { length: options.count },
      (_, i) =>
        new RealNode(realNodeLayout(options.workDir, slot.slot, i), {
          binDir: options.binDir,
          guard: options.guard,
          kubeconfigPath: options.kubeconfigPath,
          registryUrl: options.registryUrl,
          clusterDns: dnsAddress,
          zone: options.zones[i % options.zones.length] ?? "zone-a",
          log: options.log,
        }),
    );
    const group = new RealNodes(nodes, dnsAddress, options);
    try {
      // Before the kubelets: a pod that starts with no DNS server to ask fails its first lookups.
      await group.#startCoredns();
      const started = await Promise.allSettled(nodes.map((node) => node.start()));
      const failed = started.find((result) => result.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      await group.#startKubeProxy();
      await Promise.all(nodes.map((node) => group.#waitReady(node.name)));
    } catch (error) {
      await group.stop();
      throw error;
    }
    return group;
  }

  get nodeNames(): string[] {
    return this.nodes.map((node) => node.name);
  }

  processes(): ManagedProcess[] {
    return [
      ...this.nodes.flatMap((node) => node.processes()),
      ...[this.#coredns, this.#kubeProxy].filter((p): p is ManagedProcess => p?.running === true),
    ];
  }

  /**
   * CoreDNS on the slot's DNS address (a /32 of `lo`), as a cluster's DNS add-on: the real nodes' pods resolve
   * Services by name (`<service>.<namespace>.svc`), as in any cluster. Simulated nodes run no pods and need none.
   */
  async #startCoredns(): Promise<void> {
    const { binDir, workDir, kubeconfigPath, guard, log } = this.#options;
    const begin = performance.now();
    await addLoopbackAddress(this.dnsAddress);
    const readyPort = await freePort();
    this.#coredns = new ManagedProcess(
      corednsSpec(binDir, workDir, this.dnsAddress, kubeconfigPath, readyPort),
      guard,
    );
    this.#coredns.start();
    await this.#coredns.waitUntilReady(httpOkReadiness(corednsReadyUrl(readyPort)));
    log(`coredns ready on ${this.dnsAddress}:53 in ${Math.round((performance.now() - begin) / 100) / 10}s`);
  }

  /**
   * One kube-proxy for all real nodes: they share the host's network namespace, where Service rules
   * live, so one set of iptables rules serves every node. iptables is one per host too: a second
   * control plane with real nodes at the same time runs without kube-proxy (and says so).
   */
  async #startKubeProxy(): Promise<void> {
    const { binDir, workDir, kubeconfigPath, log, guard } = this.#options;
    const lock = await acquireKubeProxyLock();
    if ("heldBy" in lock) {
      log(
        `kube-proxy not started: process ${lock.heldBy} runs the host's kube-proxy; Services are not reachable from these real nodes' pods`,
      );
      return;
    }
    this.#releaseKubeProxy = lock.release;
    const ports = { healthz: await freePort(), metrics: await freePort() };
    const config = join(workDir, "kube-proxy.json");
    await writeFile(config, kubeProxyConfig(kubeconfigPath, this.nodes[0]?.name ?? "", ports));
    this.#kubeProxy = new ManagedProcess(
      {
        name: "kube-proxy",
        binary: join(binDir, "kube-proxy"),
        args: [`--config=${config}`, "--v=1"],
        logPath: join(workDir, "kube-proxy.log"),
      },
      guard,
    );
    this.#kubeProxy.start();
    await this.#kubeProxy.waitUntilReady(httpOkReadiness(`http://127.0.0.1:${ports.metrics}/metrics`));
  }

  async #waitReady(name: string): Promise<void> {
    const deadline = Date.now() + 90_000;
    let last = "not registered";
    while (Date.now() < deadline) {
      try {
        const node = await this.#options.client.get<Node>(`/api/v1/nodes/${name}`);
        const ready = node.status?.conditions?.find((c) => c.type === "Ready");
        const tainted = node.spec?.taints?.some((t) => t.key === "node.kubernetes.io/not-ready") ?? false;
        if (ready?.status === "True" && !tainted) return;
        last = `Ready=${ready?.status ?? "?"} (${ready?.message ?? ""})${tainted ? ", not-ready taint" : ""}`;
      } catch (error) {
        last = messageOf(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new ControlPlaneError(
      `kubelet (${name})`,
      `node ${name} was not Ready after 90 s: ${last}`,
      `read ${join(this.#options.workDir, name.replace(/^.*-(\d+)$/, "real-$1"), "kubelet.log")}`,
    );
  }

  /** kube-proxy and its rules, then every node (kubelet, pods, containerd), then the DNS; the slot stays taken. */
  async stop(): Promise<void> {
    if (this.#kubeProxy !== undefined) {
      await this.#kubeProxy.stop();
      await trySh(join(this.#options.binDir, "kube-proxy"), ["--cleanup", "--v=0"], 60_000);
    }
    await this.#releaseKubeProxy?.();
    await Promise.all(this.nodes.map((node) => node.stop()));
    await this.#coredns?.stop();
    await removeLoopbackAddress(this.dnsAddress);
  }
}
