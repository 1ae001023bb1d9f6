// Crash safety: the controller is SIGKILLed at random points during a scale-up of 200 pods and during a rolling
// update, 20 times each, on a private control plane. After every restart it must converge; an independent watcher
// never sees more than replicas + maxSurge live pods, and no pod is deleted twice.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type HttpClient, Informer, loadRestConfig, PodKind } from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import type { CloneSet } from "@kruise/api";
import { CloneSetKind } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { cloneSetControllerClusterRole } from "../src/rbac.ts";
import { startControllerProcess, type ControllerProcess } from "./support/controller-process.ts";
import { waitFor } from "@kruise/testenv/vitest";

const NS = "crash";
const REPLICAS = 200;
const MAX_SURGE = 10;
const KILLS = 20;

let cp: ControlPlane;
let client: HttpClient;
let kubeconfig = "";
const abort = new AbortController();
let maxLive = 0;
const deletionsSeen = new Map<string, number>();
let informer: Informer<Pod>;

async function kubectlOk(args: string[], input?: string): Promise<string> {
  const r = await cp.kubectl(args, input !== undefined ? { input } : undefined);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 3, nats: false, benchmarkMode: true });
  await kubectlOk(["create", "namespace", NS]);
  const role = cloneSetControllerClusterRole();
  await kubectlOk(["apply", "-f", "-"], JSON.stringify(role));
  await kubectlOk([
    "create",
    "clusterrolebinding",
    "cloneset-controller",
    `--clusterrole=${role.metadata.name}`,
    `--serviceaccount=${NS}:cloneset-controller`,
  ]);
  kubeconfig = await cp.serviceAccountKubeconfig(NS, "cloneset-controller");
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 200, burst: 400 });
  // The independent watcher: counts live (not terminating) pods and deletions per UID.
  informer = new Informer<Pod>(client, PodKind, { namespace: NS });
  informer.addEventHandler({
    onAdd: () => {
      maxLive = Math.max(
        maxLive,
        informer.store.list().filter((p) => p.metadata?.deletionTimestamp === undefined).length,
      );
    },
    onUpdate: (old, pod) => {
      maxLive = Math.max(
        maxLive,
        informer.store.list().filter((p) => p.metadata?.deletionTimestamp === undefined).length,
      );
      if (old.metadata?.deletionTimestamp === undefined && pod.metadata?.deletionTimestamp !== undefined) {
        deletionsSeen.set(pod.metadata.uid ?? "", (deletionsSeen.get(pod.metadata.uid ?? "") ?? 0) + 1);
      }
    },
  });
  void informer.run(abort.signal);
  await informer.waitForSync();
}, 180_000);

afterAll(async () => {
  abort.abort();
  await client?.close();
  await cp?.stop();
});

function cloneSet(image: string, type: string): CloneSet {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    metadata: { name: "crash", namespace: NS },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: "crash" } },
      template: { metadata: { labels: { app: "crash" } }, spec: { containers: [{ name: "main", image }] } },
      updateStrategy: { type: type as "ReCreate", maxSurge: MAX_SURGE, maxUnavailable: "20%" },
    },
  };
}

/** Runs the controller, SIGKILLs it after a random 0.2–2.5 s, KILLS times; then runs it to the end. */
async function killRepeatedly(): Promise<ControllerProcess> {
  for (let i = 0; i < KILLS; i++) {
    const ctl = startControllerProcess({ kubeconfig, extra: ["--kube-api-qps=100", "--kube-api-burst=200"] });
    await new Promise((r) => setTimeout(r, 200 + Math.random() * 2_300));
    await ctl.kill();
  }
  return startControllerProcess({ kubeconfig, extra: ["--kube-api-qps=100", "--kube-api-burst=200"] });
}

async function convergedTo(image: string): Promise<void> {
  await waitFor(
    `${REPLICAS} ready pods on ${image}`,
    async () => {
      const cs = await client.get(CloneSetKind, "crash", NS);
      const pods = informer.store.list();
      const live = pods.filter((p) => p.metadata?.deletionTimestamp === undefined);
      return (
        pods.length === REPLICAS &&
        live.every(
          (p) =>
            p.spec?.containers[0]?.image === image &&
            p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        ) &&
        cs.status?.updatedReadyReplicas === REPLICAS &&
        cs.status.observedGeneration === cs.metadata?.generation
      );
    },
    240_000,
    1_000,
  );
}

function deletedTwice(): string[] {
  return [...deletionsSeen.entries()].filter(([, n]) => n > 1).map(([uid]) => uid);
}

async function deleteEventsPerPod(): Promise<Map<string, number>> {
  const out = await kubectlOk([
    "get",
    "events",
    "-n",
    NS,
    "-o",
    "json",
    "--field-selector",
    "reason=SuccessfulDelete",
  ]);
  const counts = new Map<string, number>();
  for (const e of (JSON.parse(out) as { items: Array<{ message: string; count?: number }> }).items) {
    const pod = /delete pod (\S+)/.exec(e.message)?.[1] ?? "";
    counts.set(pod, (counts.get(pod) ?? 0) + (e.count ?? 1));
  }
  return counts;
}

describe("crash safety", { timeout: 600_000 }, () => {
  it("converges after 20 SIGKILLs during a scale-up of 200 pods", async () => {
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(cloneSet("nginx:1", "InPlaceIfPossible")));
    const ctl = await killRepeatedly();
    try {
      await convergedTo("nginx:1");
    } finally {
      await ctl.stop();
    }
    expect(maxLive).toBeLessThanOrEqual(REPLICAS);
    expect(deletedTwice()).toEqual([]);
    const names = informer.store.list().map((p) => p.metadata?.name ?? "");
    expect(new Set(names).size).toBe(REPLICAS);
  });

  it("converges after 20 SIGKILLs during a rolling update, never above replicas + maxSurge", async () => {
    maxLive = 0;
    await kubectlOk(["apply", "-f", "-"], JSON.stringify(cloneSet("nginx:2", "ReCreate")));
    const ctl = await killRepeatedly();
    try {
      await convergedTo("nginx:2");
    } finally {
      await ctl.stop();
    }
    expect(maxLive).toBeLessThanOrEqual(REPLICAS + MAX_SURGE);
    expect(deletedTwice()).toEqual([]);
    const twice = [...(await deleteEventsPerPod()).entries()].filter(([, n]) => n > 1);
    writeFileSync(join(cp.workDir, "delete-events.json"), JSON.stringify(twice));
    expect(twice).toEqual([]);
  });
});
