// Adaptive scheduling against the real scheduler: subset b cannot place its pods, so after
// rescheduleCriticalSeconds its replicas move to c; once b can schedule again it recovers after
// unschedulableLastSeconds and takes replicas at the next change of the split. The control plane's nodes are
// shared by every test file, so "zone b cannot schedule" is made with a label the zone-b node lacks (b's
// nodeSelectorTerm requires it) rather than a taint on the node, which would strand other files' pods; giving the
// node the label is the taint being lifted.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestNamespace, getTestEnv, waitFor } from "@kruise/testenv/vitest";
import type { UnitedDeployment } from "@kruise/api";
import {
  controllerKubeconfig,
  k,
  startCloneSetController,
  startInProcessController,
  type ControllerProcess,
  type InProcessController,
} from "./support/harness.ts";
import { apply, getUd, subsetWorkloads, zonesOfNodes } from "./support/scenario.ts";

let ns = "";
let controller: InProcessController | undefined;
let cloneSets: ControllerProcess | undefined;
let zoneB = "";
let gate = "";

beforeAll(async () => {
  ns = await createTestNamespace("ud-adaptive");
  gate = `ud-test.kruise.io/${ns}`;
  cloneSets = startCloneSetController(getTestEnv(), ns);
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
  zoneB = [...(await zonesOfNodes())].find(([, z]) => z === "zone-b")?.[0] ?? "";
});
afterAll(async () => {
  await controller?.stop();
  await cloneSets?.stop();
  if (zoneB !== "") await k(["label", "node", zoneB, `${gate}-`]).catch(() => undefined);
});

const inZone = (z: string, extra: object[] = []) => ({
  matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }, ...extra],
});

function adaptiveUd(): UnitedDeployment {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name: "elastic", namespace: ns },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: "elastic" } },
      template: {
        cloneSetTemplate: {
          metadata: { labels: { app: "elastic" } },
          spec: {
            selector: { matchLabels: { app: "elastic" } },
            template: {
              metadata: { labels: { app: "elastic" } },
              spec: { containers: [{ name: "main", image: "nginx:1" }] },
            },
          },
        },
      },
      topology: {
        scheduleStrategy: {
          type: "Adaptive",
          adaptive: { rescheduleCriticalSeconds: 2, unschedulableLastSeconds: 8 },
        },
        subsets: [
          { name: "a", nodeSelectorTerm: inZone("zone-a"), maxReplicas: 1 },
          {
            name: "b",
            nodeSelectorTerm: inZone("zone-b", [{ key: gate, operator: "In", values: ["on"] }]),
            maxReplicas: 2,
          },
          { name: "c", nodeSelectorTerm: inZone("zone-c") },
        ],
      },
    },
  } as unknown as UnitedDeployment;
}

async function split(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [subset, w] of await subsetWorkloads(ns, "cloneSetTemplate", "elastic"))
    out[subset] = w.spec?.replicas ?? -1;
  return out;
}
const schedulable = async (subset: string): Promise<string | undefined> =>
  (await getUd(ns, "elastic")).status?.subsetStatuses
    ?.find((s) => s.name === subset)
    ?.conditions?.find((c) => c.type === "Schedulable")?.status;

it("moves an unschedulable subset's replicas to the next subset, and back once it schedules again", async () => {
  await apply(adaptiveUd());
  await waitFor(
    "first split 1/2/2",
    async () => JSON.stringify(await split()) === JSON.stringify({ a: 1, b: 2, c: 2 }),
  );
  // b's pods stay Pending (no node fits): after 2 s the subset is marked unschedulable and c takes its replicas.
  await waitFor(
    "b's replicas moved to c",
    async () => JSON.stringify(await split()) === JSON.stringify({ a: 1, b: 0, c: 4 }),
    60_000,
    250,
  );
  expect(await schedulable("b")).toBe("False");
  await waitFor("5 ready", async () => (await getUd(ns, "elastic")).status?.readyReplicas === 5, 60_000, 250);

  // The node can take b's pods again. b stays marked for unschedulableLastSeconds, then recovers; c's Ready pods
  // stay where they are (OpenKruise's adaptive allocator never takes ready pods from a schedulable subset), so b
  // gets replicas back at the next change of the split: here a scale-up.
  await k(["label", "node", zoneB, `${gate}=on`, "--overwrite"]);
  await waitFor("b schedulable again", async () => (await schedulable("b")) === "True", 60_000, 250);
  await k(["scale", "ud", "elastic", "-n", ns, "--replicas=7"]);
  await waitFor(
    "b's replicas back",
    async () => JSON.stringify(await split()) === JSON.stringify({ a: 1, b: 2, c: 4 }),
    60_000,
    250,
  );
  await waitFor("7 ready", async () => (await getUd(ns, "elastic")).status?.readyReplicas === 7, 60_000, 250);
}, 180_000);
