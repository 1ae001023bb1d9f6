// Crash safety: the controller (as shipped: its own process, its own ServiceAccount bound to the ClusterRole of
// src/rbac.ts) is SIGKILLed at random points during a partitioned rolling update on a private 8-node control
// plane. An independent watcher must never see two live pods on one node (no surge here) nor more updated nodes
// than the partition allows; after the last restart the rollout converges to exactly the partition.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { DaemonSetKind, type DaemonSet } from "@kruise/api";
import { createClient, type HttpClient, Informer, loadRestConfig, PodKind } from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { daemonPodTargetNode } from "@kruise/workload";
import { daemonSetControllerClusterRole } from "../src/rbac.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";

const NS = "crash";
const NODES = 8;
const PARTITION = 3;
const KILLS = 20;

let cp: ControlPlane;
let client: HttpClient;
let kubeconfig = "";
const abort = new AbortController();
let informer: Informer<Pod>;
let maxPodsOnANode = 0;
let maxUpdated = 0;

async function kubectlOk(args: string[], input?: string): Promise<void> {
  const r = await cp.kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
}

function observe(): void {
  const live = informer.store.list().filter((p) => p.metadata?.deletionTimestamp === undefined);
  const perNode = new Map<string, number>();
  for (const p of live) {
    const node = daemonPodTargetNode(p as Pod) ?? "";
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  maxPodsOnANode = Math.max(maxPodsOnANode, ...perNode.values());
  maxUpdated = Math.max(maxUpdated, live.filter((p) => p.spec?.containers[0]?.image === "nginx:2").length);
}

beforeAll(async () => {
  cp = await startControlPlane({ nodes: NODES, nats: false, benchmarkMode: true });
  await kubectlOk(["create", "namespace", NS]);
  const role = daemonSetControllerClusterRole();
  await kubectlOk(["apply", "-f", "-"], JSON.stringify(role));
  await kubectlOk([
    "create",
    "clusterrolebinding",
    "daemonset-controller",
    `--clusterrole=${role.metadata.name}`,
    `--serviceaccount=${NS}:daemonset-controller`,
  ]);
  kubeconfig = await cp.serviceAccountKubeconfig(NS, "daemonset-controller");
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 200, burst: 400 });
  informer = new Informer<Pod>(client, PodKind, { namespace: NS });
  informer.addEventHandler({ onAdd: observe, onUpdate: observe });
  void informer.run(abort.signal);
  await informer.waitForSync();
}, 180_000);

afterAll(async () => {
  abort.abort();
  await client?.close();
  await cp?.stop();
});

function daemonSet(image: string): DaemonSet {
  return {
    apiVersion: "apps.kruise.io/v1beta1",
    kind: "DaemonSet",
    metadata: { name: "crash", namespace: NS },
    spec: {
      selector: { matchLabels: { app: "crash" } },
      minReadySeconds: 1,
      updateStrategy: { rollingUpdate: { partition: PARTITION, maxUnavailable: 2 } },
      template: { metadata: { labels: { app: "crash" } }, spec: { containers: [{ name: "main", image }] } },
    },
  };
}

async function settled(updated: number): Promise<void> {
  await waitFor(
    `${NODES} ready pods, ${updated} on nginx:2`,
    async () => {
      const ds = await client.get(DaemonSetKind, "crash", NS);
      const live = informer.store.list().filter((p) => p.metadata?.deletionTimestamp === undefined);
      return (
        live.length === NODES &&
        live.every((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) &&
        live.filter((p) => p.spec?.containers[0]?.image === "nginx:2").length === updated &&
        ds.status?.numberAvailable === NODES &&
        ds.status.observedGeneration === ds.metadata?.generation
      );
    },
    240_000,
    500,
  );
}

describe("crash safety", { timeout: 600_000 }, () => {
  it(`converges after ${KILLS} SIGKILLs during a partitioned rollout, never two pods on a node or beyond the partition`, async () => {
    let ctl: ControllerProcess = startControllerProcess(kubeconfig);
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(daemonSet("nginx:1")));
    await settled(0);
    await ctl.stop();
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(daemonSet("nginx:2")));
    for (let i = 0; i < KILLS; i++) {
      ctl = startControllerProcess(kubeconfig);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1_700));
      await ctl.kill();
    }
    ctl = startControllerProcess(kubeconfig);
    try {
      await settled(NODES - PARTITION);
    } catch (err) {
      throw new Error(`${String(err)}\ncontroller output:\n${ctl.output().slice(-4_000)}`);
    } finally {
      await ctl.stop();
    }
    expect(maxPodsOnANode).toBe(1);
    expect(maxUpdated).toBe(NODES - PARTITION);
    const names = informer.store.list().map((p) => p.metadata?.name ?? "");
    expect(new Set(names).size).toBe(NODES);
  });
});
