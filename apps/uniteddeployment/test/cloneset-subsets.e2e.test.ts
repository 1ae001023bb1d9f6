// UnitedDeployment over CloneSets against the real control plane, with the simulated nodes of zones a, b and c:
// the UnitedDeployment controller runs in-process under exactly its RBAC rules (writes counted), the CloneSet
// controller as its own process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { CloneSet, UnitedDeployment } from "@kruise/api";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import {
  controllerKubeconfig,
  k,
  startCloneSetController,
  startInProcessController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";

let ns = "";
let controller: InProcessController | undefined;
let cloneSets: ControllerProcess | undefined;
const zoneOfNode = new Map<string, string>();

beforeAll(async () => {
  ns = await createTestNamespace("ud");
  cloneSets = startCloneSetController(getTestEnv(), ns);
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
  const nodes = JSON.parse(await k(["get", "nodes", "-o", "json"])) as { items: Node[] };
  for (const n of nodes.items)
    zoneOfNode.set(n.metadata?.name ?? "", n.metadata?.labels?.["topology.kubernetes.io/zone"] ?? "");
});
afterAll(async () => {
  await controller?.stop();
  await cloneSets?.stop();
});

const zone = (z: string) => ({
  matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }],
});

function ud(name: string, replicas: number, image = "nginx:1"): UnitedDeployment {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        cloneSetTemplate: {
          metadata: { labels: { app: name } },
          spec: {
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: { containers: [{ name: "main", image }] },
            },
            updateStrategy: { type: "InPlaceIfPossible" },
          },
        },
      },
      topology: {
        subsets: [
          { name: "a", nodeSelectorTerm: zone("zone-a"), replicas: 1 },
          { name: "b", nodeSelectorTerm: zone("zone-b"), replicas: "50%" },
          { name: "c", nodeSelectorTerm: zone("zone-c") },
        ],
      },
    },
  };
}

const apply = (obj: object): Promise<string> =>
  k(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify(obj));

async function subsets(name: string): Promise<Map<string, CloneSet>> {
  const out = JSON.parse(
    await k(["get", "clonesets.apps.kruise.io", "-n", ns, "-l", `app=${name}`, "-o", "json"]),
  ) as { items: CloneSet[] };
  const bySubset = new Map<string, CloneSet>();
  for (const cs of out.items) {
    const subset = cs.metadata?.labels?.["apps.kruise.io/subset-name"] ?? "";
    if (bySubset.has(subset)) throw new Error(`two CloneSets for subset ${subset}`);
    bySubset.set(subset, cs);
  }
  return bySubset;
}

async function pods(name: string): Promise<Pod[]> {
  const out = JSON.parse(await k(["get", "pods", "-n", ns, "-l", `app=${name}`, "-o", "json"])) as {
    items: Pod[];
  };
  return out.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

const isReady = (p: Pod): boolean =>
  p.status?.phase === "Running" &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

async function getUd(name: string, version = "v1alpha1"): Promise<UnitedDeployment> {
  return JSON.parse(
    await k(["get", `uniteddeployments.${version}.apps.kruise.io`, name, "-n", ns, "-o", "json"]),
  ) as UnitedDeployment;
}

/** Waits until the subsets' CloneSets want `want` replicas and that many Ready pods run in each subset's zone. */
async function waitForSplit(name: string, want: Record<string, number>, image?: string): Promise<void> {
  await waitFor(
    `subsets ${JSON.stringify(want)}${image !== undefined ? ` on ${image}` : ""}`,
    async () => {
      const sets = await subsets(name);
      for (const [subset, replicas] of Object.entries(want))
        if (sets.get(subset)?.spec?.replicas !== replicas) return false;
      if (sets.size !== Object.keys(want).length) return false;
      const all = await pods(name);
      for (const [subset, replicas] of Object.entries(want)) {
        const mine = all.filter((p) => p.metadata?.labels?.["apps.kruise.io/subset-name"] === subset);
        if (mine.length !== replicas) return false;
        for (const p of mine) {
          if (!isReady(p)) return false;
          if (zoneOfNode.get(p.spec?.nodeName ?? "") !== `zone-${subset}`) return false;
          if (image !== undefined && p.spec?.containers[0]?.image !== image) return false;
        }
      }
      return true;
    },
    90_000,
    250,
  );
}

describe("UnitedDeployment with cloneSetTemplate", () => {
  it("splits 6 as 1, 3, 2 with Ready pods in their zones, scales to 1, 5, 4, rolls an image to every subset and pushes partitions", async () => {
    await apply(ud("web", 6));
    await waitForSplit("web", { a: 1, b: 3, c: 2 });
    const sets = await subsets("web");
    for (const [subset, cs] of sets) {
      expect(cs.metadata?.generateName).toBe(`web-${subset}-`);
      expect(cs.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: "UnitedDeployment",
        name: "web",
        controller: true,
      });
      expect(cs.spec?.selector.matchLabels).toEqual({ app: "web", "apps.kruise.io/subset-name": subset });
      expect(cs.metadata?.labels?.["apps.kruise.io/controller-revision-hash"]).toMatch(/^web-/);
    }
    let status = await waitFor("status of 6 ready", async () => {
      const s = (await getUd("web")).status;
      return s?.readyReplicas === 6 && s.replicas === 6 ? s : undefined;
    });
    expect(status.subsetReplicas).toEqual({ a: 1, b: 3, c: 2 });
    expect(status.labelSelector).toBe("app=web");
    expect(status.updatedReadyReplicas).toBe(6);
    expect(status.currentRevision).toBe(status.updateStatus?.updatedRevision);
    const beta = (await getUd("web", "v1beta1")).status;
    expect(beta?.updatedRevision).toBe(status.currentRevision);
    expect(beta?.subsetStatuses?.map((s) => [s.name, s.replicas])).toEqual([
      ["a", 1],
      ["b", 3],
      ["c", 2],
    ]);
    const table = await k(["get", "ud", "web", "-n", ns]);
    expect(table).toMatch(/DESIRED\s+CURRENT\s+UPDATED\s+READY\s+AGE/);

    await k(["scale", "uniteddeployment", "web", "-n", ns, "--replicas=10"]);
    await waitForSplit("web", { a: 1, b: 5, c: 4 });

    const first = status.currentRevision;
    await k([
      "patch",
      "ud",
      "web",
      "-n",
      ns,
      "--type=json",
      "-p",
      JSON.stringify([
        {
          op: "replace",
          path: "/spec/template/cloneSetTemplate/spec/template/spec/containers/0/image",
          value: "nginx:2",
        },
      ]),
    ]);
    await waitForSplit("web", { a: 1, b: 5, c: 4 }, "nginx:2");
    status = await waitFor("every pod updated", async () => {
      const s = (await getUd("web")).status;
      return s?.updatedReadyReplicas === 10 && s.currentRevision !== first ? s : undefined;
    });
    expect(status.currentRevision).toBe(status.updateStatus?.updatedRevision);
    for (const cs of (await subsets("web")).values())
      expect(cs.metadata?.labels?.["apps.kruise.io/controller-revision-hash"]).toBe(status.currentRevision);

    await k([
      "patch",
      "ud",
      "web",
      "-n",
      ns,
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { updateStrategy: { manualUpdate: { partitions: { b: 2, c: 9 } } } } }),
    ]);
    await waitFor("partitions on the subset CloneSets", async () => {
      const s = await subsets("web");
      return (
        s.get("b")?.spec?.updateStrategy?.partition === 2 &&
        s.get("c")?.spec?.updateStrategy?.partition === 4 &&
        s.get("a")?.spec?.updateStrategy?.partition === 0
      );
    });
    await waitFor("status partitions", async () => {
      const s = (await getUd("web")).status;
      return JSON.stringify(s?.updateStatus?.currentPartitions) === JSON.stringify({ a: 0, b: 2, c: 4 });
    });
  }, 300_000);

  it("makes no write once converged, and deleting the UnitedDeployment removes its subsets", async () => {
    await apply(ud("quiet", 3));
    await waitForSplit("quiet", { a: 1, b: 2, c: 0 });
    await waitFor("status of 3 ready", async () => (await getUd("quiet")).status?.readyReplicas === 3);
    const writes = controller?.writes ?? [];
    // Settled: no write of ours for 1.5 s (the last status write of the rollout may still be in flight).
    await waitFor(
      "no write for 1.5 s",
      async () => {
        const before = writes.length;
        await new Promise((r) => setTimeout(r, 1_500));
        return writes.length === before;
      },
      60_000,
    );
    const before = writes.length;
    // A change that is no spec change: the controller reconciles, finds everything as wanted, writes nothing.
    await k(["label", "ud", "quiet", "-n", ns, "poke=1"]);
    await k(["annotate", "clonesets.apps.kruise.io", "-n", ns, "-l", "app=quiet", "poke=1"]);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(writes.slice(before)).toEqual([]);

    await k(["delete", "ud", "quiet", "-n", ns, "--wait=true"]);
    await waitFor("subset CloneSets deleted", async () => (await subsets("quiet")).size === 0, 60_000);
  }, 180_000);
});
