// The bus between the subset kinds and the UnitedDeployment controller: the CloneSet and Advanced StatefulSet
// controllers (each its own process, with --nats-url) publish subset-status-changed naming the owner UnitedDeployment
// whenever they write a subset's status, through @kruise/workload's one event builder. Skipped without NATS.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import { EventBus, type CloudEvent } from "@kruise/sdk";
import type { SubsetStatusChanged } from "@kruise/api";
import {
  controllerKubeconfig,
  startInProcessController,
  startSubsetController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";
import { apply, getUd, subsetWorkloads, zonedUd } from "./support/scenario.ts";

const natsUrl = getTestEnv().natsUrl;
let ns = "";
let controller: InProcessController | undefined;
const subsetControllers: ControllerProcess[] = [];
let bus: EventBus | undefined;
const seen: CloudEvent[] = [];

beforeAll(async () => {
  if (natsUrl === undefined) return;
  ns = await createTestNamespace("ud-bus");
  bus = EventBus.start({ servers: natsUrl, source: "ud-bus-test" });
  for (const kind of ["cloneset", "statefulset"])
    bus.subscribe(`kruise.${kind}.${ns}.*.subset-status-changed`, (e) => void seen.push(e));
  for (const app of ["cloneset", "statefulset"] as const)
    subsetControllers.push(startSubsetController(app, getTestEnv(), ns, [`--nats-url=${natsUrl}`]));
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
});
afterAll(async () => {
  await controller?.stop();
  for (const c of subsetControllers) await c.stop();
  await bus?.close();
});

it.skipIf(natsUrl === undefined).each([
  ["cloneSetTemplate", "CloneSet", "cs"],
  ["advancedStatefulSetTemplate", "StatefulSet", "asts"],
] as const)(
  "%s: each subset's status writes publish subset-status-changed naming the UnitedDeployment",
  async (field, kind, name) => {
    await apply(zonedUd(ns, name, field, 4));
    await waitFor("4 ready", async () => (await getUd(ns, name)).status?.readyReplicas === 4, 90_000, 250);
    const subsets = await subsetWorkloads(ns, field, name);
    const ud = await getUd(ns, name);
    const mine = (): SubsetStatusChanged[] =>
      seen
        .filter((e) => e.kind === kind)
        .map((e) => e.data as SubsetStatusChanged)
        .filter((d) => d.owner.name === name);
    await waitFor(
      "a ready count from every subset",
      async () =>
        [...subsets.keys()].every((subset) =>
          mine().some(
            (d) => d.subsetName === subset && d.readyReplicas === (subsets.get(subset)?.spec?.replicas ?? -1),
          ),
        ),
      30_000,
      100,
    );
    for (const d of mine()) {
      expect(d.owner).toEqual({ kind: "UnitedDeployment", name, uid: ud.metadata?.uid });
      expect(d.uid).not.toBe("");
    }
  },
  150_000,
);
