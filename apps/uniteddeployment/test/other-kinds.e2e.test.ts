// The same walk as the CloneSet one for the other three template kinds: apps/v1 Deployment and StatefulSet (run by
// kube-controller-manager) and Advanced StatefulSet (its own controller as a process of its own).
import { afterAll, beforeAll, describe, it } from "vitest";
import { createTestNamespace, getTestEnv } from "@kruise/testenv/vitest";
import {
  controllerKubeconfig,
  startInProcessController,
  startSubsetController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";
import { splitScaleRollPartition, zonesOfNodes, type TemplateField } from "./support/scenario.ts";

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
