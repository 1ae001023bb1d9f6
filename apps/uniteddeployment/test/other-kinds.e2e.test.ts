// The same walk as the CloneSet one for the other three template kinds: apps/v1 Deployment and StatefulSet (run by
// kube-controller-manager) and Advanced StatefulSet (its own controller as a process of its own).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import {
  controllerKubeconfig,
  k,
  startInProcessController,
  startSubsetController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";
import {
  apply,
  splitScaleRollPartition,
  subsetWorkloads,
  zonedUd,
  zonesOfNodes,
  type TemplateField,
} from "./support/scenario.ts";

let ns = "";
let controller: InProcessController | undefined;
let advancedStatefulSets: ControllerProcess | undefined;
let zones = new Map<string, string>();

beforeAll(async () => {
  ns = await createTestNamespace("ud-kinds");
  advancedStatefulSets = startSubsetController("statefulset", getTestEnv(), ns);
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
  zones = await zonesOfNodes();
});
afterAll(async () => {
  await controller?.stop();
  await advancedStatefulSets?.stop();
});

const kinds: [TemplateField, string][] = [
  ["deploymentTemplate", "dep"],
  ["statefulSetTemplate", "sts"],
  ["advancedStatefulSetTemplate", "asts"],
];

describe.each(kinds)("UnitedDeployment with %s", (field, name) => {
  it("splits 6 as 1, 3, 2 in their zones, scales to 1, 5, 4, rolls an image to every subset and pushes partitions", async () => {
    await splitScaleRollPartition(ns, field, name, zones);
  }, 300_000);
});

describe("changing the template kind", () => {
  it("deletes the old kind's subsets and creates the new kind's, with each subset's patch applied", async () => {
    const cloneSets = zonedUd(ns, "switch", "cloneSetTemplate", 3);
    await apply(cloneSets);
    await waitFor(
      "three CloneSet subsets",
      async () => (await subsetWorkloads(ns, "cloneSetTemplate", "switch")).size === 3,
    );
    const deployments = zonedUd(ns, "switch", "deploymentTemplate", 3);
    const subsets = deployments.spec?.topology?.subsets ?? [];
    subsets[0] = {
      ...subsets[0],
      name: "a",
      patch: { spec: { containers: [{ name: "main", env: [{ name: "ZONE", value: "a" }] }] } },
    };
    // A server-side apply keeps fields another manager owns; replace the whole object instead.
    await k(
      ["replace", "-f", "-"],
      JSON.stringify({ ...deployments, metadata: { ...deployments.metadata, resourceVersion: undefined } }),
    );
    await waitFor(
      "CloneSets gone, Deployments there",
      async () =>
        (await subsetWorkloads(ns, "cloneSetTemplate", "switch")).size === 0 &&
        (await subsetWorkloads(ns, "deploymentTemplate", "switch")).size === 3,
      60_000,
      250,
    );
    const a = JSON.parse(
      await k([
        "get",
        "deployments.apps",
        "-n",
        ns,
        "-l",
        "app=switch,apps.kruise.io/subset-name=a",
        "-o",
        "json",
      ]),
    ) as {
      items: {
        metadata: { annotations?: Record<string, string> };
        spec: { template: { spec: { containers: { env?: unknown[] }[] } } };
      }[];
    };
    expect(a.items[0]?.spec.template.spec.containers[0]?.env).toEqual([{ name: "ZONE", value: "a" }]);
    // The patch as stored (the apiserver re-encodes it, keys sorted), as OpenKruise records its raw bytes.
    expect(JSON.parse(a.items[0]?.metadata.annotations?.["apps.kruise.io/subset-patch"] ?? "null")).toEqual(
      subsets[0]?.patch,
    );
  }, 120_000);
});
