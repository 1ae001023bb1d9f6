// Adaptive scheduling against the real scheduler, with and without reserveUnschedulablePods: zone b's nodes are
// tainted NoSchedule, so subset b cannot place its pods; after rescheduleCriticalSeconds its replicas move to c. Once the taint is gone b recovers after
// unschedulableLastSeconds and takes replicas at the next change of the split. The control plane's nodes are shared
// by every test file: the taint's key is this file's own, NoSchedule evicts no running pod, and it lasts only until b
// is marked unschedulable (a few seconds), so another file's new zone-b pods at most wait that long.
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
import { apply, getUd, livePods, subsetWorkloads, zonesOfNodes } from "./support/scenario.ts";

let ns = "";
let controller: InProcessController | undefined;
let cloneSets: ControllerProcess | undefined;
let zoneB: string[] = [];
let taint = "";

const untaint = (): Promise<unknown> =>
  Promise.all(zoneB.map((node) => k(["taint", "node", node, `${taint}-`]).catch(() => undefined)));

beforeAll(async () => {
  ns = await createTestNamespace("ud-adaptive");
  taint = `ud-test.kruise.io/${ns}=unschedulable:NoSchedule`;
  cloneSets = startCloneSetController(getTestEnv(), ns);
  controller = await startInProcessController(await controllerKubeconfig(getTestEnv(), ns), ns);
  zoneB = [...(await zonesOfNodes())].filter(([, z]) => z === "zone-b").map(([node]) => node);
});
afterAll(async () => {
  await controller?.stop();
  await cloneSets?.stop();
  await untaint();
});

const inZone = (z: string) => ({
  matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }],
});

type ReserveField = "cloneSetTemplate" | "deploymentTemplate";

function adaptiveUd(
  name = "elastic",
  replicas = 5,
  adaptive: object = { rescheduleCriticalSeconds: 2, unschedulableLastSeconds: 8 },
  field: ReserveField = "cloneSetTemplate",
): UnitedDeployment {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        [field]: {
          metadata: { labels: { app: name } },
          spec: {
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: { containers: [{ name: "main", image: "nginx:1" }] },
            },
          },
        },
      },
      topology: {
        scheduleStrategy: { type: "Adaptive", adaptive },
        subsets: [
          { name: "a", nodeSelectorTerm: inZone("zone-a"), maxReplicas: 1 },
          { name: "b", nodeSelectorTerm: inZone("zone-b"), maxReplicas: 2 },
          { name: "c", nodeSelectorTerm: inZone("zone-c") },
        ],
      },
    },
  } as unknown as UnitedDeployment;
}

async function split(
  name = "elastic",
  field: ReserveField = "cloneSetTemplate",
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [subset, w] of await subsetWorkloads(ns, field, name)) out[subset] = w.spec?.replicas ?? -1;
  return out;
}
/**
 * What a failed wait in reserve mode last saw: the split, each live pod (subset, phase, node, reserved label, Ready
 * and since when), each subset's Schedulable condition and the controller's last refused writes, so a timeout in CI
 * says where the rollout stopped.
 */
async function reserveState(name: string, field: ReserveField): Promise<string> {
  const pods = (await livePods(ns, name)).map((p) => {
    const labels = p.metadata?.labels ?? {};
    const ready = p.status?.conditions?.find((c) => c.type === "Ready");
    return [
      p.metadata?.name,
      labels["apps.kruise.io/subset-name"],
      p.status?.phase,
      p.spec?.nodeName ?? "unbound",
      `reserved=${labels["apps.kruise.io/united-deployment-reserved-pod"] ?? "-"}`,
      `ready=${ready?.status ?? "-"}@${ready?.lastTransitionTime ?? "-"}`,
    ].join(" ");
  });
  const subsets = ((await getUd(ns, name)).status?.subsetStatuses ?? []).map((s) => {
    const c = s.conditions?.find((x) => x.type === "Schedulable");
    return `${s.name}: ${c?.status ?? "-"} ${c?.message ?? ""}@${c?.lastTransitionTime ?? "-"}`;
  });
  // A write the API refused, say a 409 or 422 on a subset, sends the key into backoff: the last few say so.
  const refused = (controller?.writes ?? [])
    .filter((w) => w.code >= 400 || w.code === 0)
    .slice(-5)
    .map((w) => `${w.verb} ${w.kind} ${w.name ?? ""}${w.subresource ? `/${w.subresource}` : ""} ${w.code}`);
  return `split ${JSON.stringify(await split(name, field))}; pods [${pods.join("; ")}]; subsets [${subsets.join("; ")}]; refused writes [${refused.join("; ")}]`;
}

/** Waits for the split, and on a timeout names what it last saw (reserveState). */
async function waitForSplit(
  what: string,
  name: string,
  field: ReserveField,
  want: Record<string, number>,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (JSON.stringify(await split(name, field)) === JSON.stringify(want)) return true;
      throw new Error(await reserveState(name, field));
    },
    timeoutMs,
    250,
  );
}

const schedulable = async (subset: string, name = "elastic"): Promise<string | undefined> =>
  (await getUd(ns, name)).status?.subsetStatuses
    ?.find((s) => s.name === subset)
    ?.conditions?.find((c) => c.type === "Schedulable")?.status;

it("moves an unschedulable subset's replicas to the next subset, and back once it schedules again", async () => {
  expect(zoneB.length).toBeGreaterThan(0);
  for (const node of zoneB) await k(["taint", "node", node, taint, "--overwrite"]);
  await apply(adaptiveUd());
  await waitFor(
    "first split 1/2/2",
    async () => JSON.stringify(await split()) === JSON.stringify({ a: 1, b: 2, c: 2 }),
  );
  // b's pods stay Pending (zone b's nodes are tainted and the pods do not tolerate it): after 2 s the subset is
  // marked unschedulable and c takes its replicas.
  await waitFor(
    "b's replicas moved to c",
    async () => JSON.stringify(await split()) === JSON.stringify({ a: 1, b: 0, c: 4 }),
    60_000,
    250,
  );
  expect(await schedulable("b")).toBe("False");
  await waitFor("5 ready", async () => (await getUd(ns, "elastic")).status?.readyReplicas === 5, 60_000, 250);

  // The taint is gone: zone b can take b's pods again. b stays marked for unschedulableLastSeconds, then recovers; c's Ready pods
  // stay where they are (OpenKruise's adaptive allocator never takes ready pods from a schedulable subset), so b
  // gets replicas back at the next change of the split: here a scale-up.
  await untaint();
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

it.each([
  ["cloneSetTemplate", "reserve"],
  ["deploymentTemplate", "reserve-deploy"],
] as const)(
  "reserve mode (%s): keeps b's pending pods reserved while stand-ins run in c, and drops the stand-ins once b is up",
  async (field, name) => {
    const reservedIn = async (subset: string): Promise<string[]> =>
      (await livePods(ns, name))
        .filter((p) => p.metadata?.labels?.["apps.kruise.io/subset-name"] === subset)
        .map((p) => p.metadata?.labels?.["apps.kruise.io/united-deployment-reserved-pod"] ?? "");
    for (const node of zoneB) await k(["taint", "node", node, taint, "--overwrite"]);
    await apply(
      adaptiveUd(
        name,
        4,
        {
          rescheduleCriticalSeconds: 2,
          unschedulableLastSeconds: 4,
          reserveUnschedulablePods: true,
        },
        field,
      ),
    );
    // a 1, b 2, c 1 first; b's two pods cannot be placed, so after 2 s they are reserved (labelled, kept) and c runs
    // two stand-ins.
    await waitForSplit("stand-ins in c", name, field, { a: 1, b: 2, c: 3 }, 60_000);
    await waitFor(
      "b's pods reserved",
      async () => (await reservedIn("b")).join() === "true,true",
      30_000,
      250,
    );
    expect(await schedulable("b", name)).toBe("False");
    await waitFor(
      "reserved pods counted apart",
      async () => {
        const status = (await getUd(ns, name)).status;
        return status?.reservedPods === 2 && status.readyReplicas === 4 && status.replicas === 4;
      },
      60_000,
      250,
    );
    const status = (await getUd(ns, name)).status;
    expect(status?.labelSelector).toBe(`app=${name},apps.kruise.io/united-deployment-reserved-pod=false`);
    expect((await reservedIn("c")).every((v) => v === "false")).toBe(true);

    // The taint is gone: b's reserved pods start; once Ready for unschedulableLastSeconds they are released, b is
    // schedulable again and c's stand-ins go.
    await untaint();
    await waitForSplit("stand-ins gone", name, field, { a: 1, b: 2, c: 1 }, 90_000);
    await waitFor(
      "b's pods released",
      async () => (await reservedIn("b")).join() === "false,false",
      30_000,
      250,
    );
    expect(await schedulable("b", name)).toBe("True");
    await waitFor(
      "4 ready, none reserved",
      async () => {
        const s = (await getUd(ns, name)).status;
        return s?.reservedPods === 0 && s.readyReplicas === 4 && s.replicas === 4;
      },
      60_000,
      250,
    );
    // The split never asked a subset for what the API refuses (such as -1 replicas while its pods lag behind).
    expect(controller?.writes.filter((w) => w.code === 422 && (w.name ?? "").startsWith(`${name}-`))).toEqual(
      [],
    );
  },
  240_000,
);
