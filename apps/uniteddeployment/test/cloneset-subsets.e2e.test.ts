// UnitedDeployment over CloneSets against the real control plane, with the simulated nodes of zones a, b and c:
// the UnitedDeployment controller runs in-process under exactly its RBAC rules (writes counted), the CloneSet
// controller as its own process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import {
  controllerKubeconfig,
  k,
  startCloneSetController,
  startInProcessController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";
import {
  apply,
  getUd,
  splitScaleRollPartition,
  subsetWorkloads,
  waitForSplit,
  zonedUd,
  zonesOfNodes,
} from "./support/scenario.ts";

let ns = "";
let controller: InProcessController | undefined;
let cloneSets: ControllerProcess | undefined;
let zones = new Map<string, string>();

beforeAll(async () => {
  ns = await createTestNamespace("ud");
  cloneSets = startCloneSetController(getTestEnv(), ns);
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
  zones = await zonesOfNodes();
});
afterAll(async () => {
  await controller?.stop();
  await cloneSets?.stop();
});

describe("UnitedDeployment with cloneSetTemplate", () => {
  it("splits 6 as 1, 3, 2 with Ready pods in their zones, scales to 1, 5, 4, rolls an image to every subset and pushes partitions", async () => {
    await splitScaleRollPartition(ns, "cloneSetTemplate", "web", zones);
    const status = (await getUd(ns, "web")).status;
    expect(status).toMatchObject({
      replicas: 10,
      readyReplicas: 10,
      updatedReplicas: 10,
      labelSelector: "app=web",
    });
    for (const [subset, cs] of await subsetWorkloads(ns, "cloneSetTemplate", "web")) {
      expect(cs.spec?.selector?.matchLabels).toEqual({ app: "web", "apps.kruise.io/subset-name": subset });
      expect(cs.metadata?.labels?.["apps.kruise.io/controller-revision-hash"]).toBe(status?.currentRevision);
    }
    // v1beta1 reads the same object with its own status fields.
    const beta = (await getUd(ns, "web", "v1beta1")).status;
    expect(beta?.updatedRevision).toBe(status?.currentRevision);
    expect(beta?.subsetStatuses?.map((s) => [s.name, s.replicas, s.partition])).toEqual([
      ["a", 1, 0],
      ["b", 5, 2],
      ["c", 4, 4],
    ]);
    expect(await k(["get", "ud", "web", "-n", ns])).toMatch(
      /DESIRED\s+CURRENT\s+UPDATED\s+READY\s+AGE\nweb\s+10\s+10\s+10\s+10\s/,
    );
  }, 300_000);

  it("makes no write once converged, and deleting the UnitedDeployment removes its subsets", async () => {
    await apply(zonedUd(ns, "quiet", "cloneSetTemplate", 3));
    await waitForSplit(ns, "cloneSetTemplate", "quiet", zones, { a: 1, b: 2, c: 0 });
    await waitFor("status of 3 ready", async () => (await getUd(ns, "quiet")).status?.readyReplicas === 3);
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
    // Changes that are no spec change: the controller reconciles, finds everything as wanted, writes nothing.
    await k(["label", "ud", "quiet", "-n", ns, "poke=1"]);
    await k(["annotate", "clonesets.apps.kruise.io", "-n", ns, "-l", "app=quiet", "poke=1"]);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(writes.slice(before)).toEqual([]);

    await k(["delete", "ud", "quiet", "-n", ns, "--wait=true"]);
    await waitFor(
      "subset CloneSets deleted",
      async () => (await subsetWorkloads(ns, "cloneSetTemplate", "quiet")).size === 0,
      60_000,
    );
  }, 180_000);
});
