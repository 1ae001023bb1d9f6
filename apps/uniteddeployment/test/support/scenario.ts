// The scenario every subset kind goes through: a UnitedDeployment of `replicas` over subsets a (1), b (50%) and c
// (the rest), each pinned to its zone; helpers that read its subset workloads and pods through kubectl.
import type { UnitedDeployment } from "@kruise/api";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { waitFor } from "@kruise/testenv/vitest";
import { k } from "./harness.ts";

export type TemplateField =
  "cloneSetTemplate" | "deploymentTemplate" | "statefulSetTemplate" | "advancedStatefulSetTemplate";

/** The resource kubectl lists for each template's workloads. */
export const RESOURCE: Record<TemplateField, string> = {
  // v1alpha1, the shape the subsets are written in (kubectl prefers v1beta1 now that it is served).
  cloneSetTemplate: "clonesets.v1alpha1.apps.kruise.io",
  deploymentTemplate: "deployments.apps",
  statefulSetTemplate: "statefulsets.apps",
  advancedStatefulSetTemplate: "statefulsets.apps.kruise.io",
};

export interface Workload {
  metadata?: {
    name?: string;
    generateName?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
  };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    updateStrategy?: Record<string, unknown>;
  };
}

const zone = (z: string) => ({
  matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }],
});

export function zonedUd(
  ns: string,
  name: string,
  field: TemplateField,
  replicas: number,
  image = "nginx:1",
): UnitedDeployment {
  const stateful = field === "statefulSetTemplate" || field === "advancedStatefulSetTemplate";
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
              spec: { containers: [{ name: "main", image }] },
            },
            ...(field === "cloneSetTemplate" ? { updateStrategy: { type: "InPlaceIfPossible" } } : {}),
            ...(stateful ? { serviceName: name, podManagementPolicy: "Parallel" } : {}),
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
  } as unknown as UnitedDeployment;
}

export async function zonesOfNodes(): Promise<Map<string, string>> {
  const nodes = JSON.parse(await k(["get", "nodes", "-o", "json"])) as { items: Node[] };
  return new Map(
    nodes.items.map((n) => [
      n.metadata?.name ?? "",
      n.metadata?.labels?.["topology.kubernetes.io/zone"] ?? "",
    ]),
  );
}

export const apply = (obj: object): Promise<string> =>
  k(["apply", "--server-side", "--force-conflicts", "-f", "-"], JSON.stringify(obj));

/** The workloads labelled app=<name>, by subset name; throws when a subset has two. */
export async function subsetWorkloads(
  ns: string,
  field: TemplateField,
  name: string,
): Promise<Map<string, Workload>> {
  const out = JSON.parse(await k(["get", RESOURCE[field], "-n", ns, "-l", `app=${name}`, "-o", "json"])) as {
    items: Workload[];
  };
  const bySubset = new Map<string, Workload>();
  for (const w of out.items) {
    const subset = w.metadata?.labels?.["apps.kruise.io/subset-name"] ?? "";
    if (bySubset.has(subset)) throw new Error(`two workloads for subset ${subset}`);
    bySubset.set(subset, w);
  }
  return bySubset;
}

export async function livePods(ns: string, name: string): Promise<Pod[]> {
  const out = JSON.parse(await k(["get", "pods", "-n", ns, "-l", `app=${name}`, "-o", "json"])) as {
    items: Pod[];
  };
  return out.items.filter((p) => p.metadata?.deletionTimestamp === undefined);
}

const isReady = (p: Pod): boolean =>
  p.status?.phase === "Running" &&
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

export async function getUd(ns: string, name: string, version = "v1alpha1"): Promise<UnitedDeployment> {
  return JSON.parse(
    await k(["get", `uniteddeployments.${version}.apps.kruise.io`, name, "-n", ns, "-o", "json"]),
  ) as UnitedDeployment;
}

/** Waits until each subset's workload wants `want` replicas and that many Ready pods run in the subset's zone. */
export async function waitForSplit(
  ns: string,
  field: TemplateField,
  name: string,
  zones: ReadonlyMap<string, string>,
  want: Record<string, number>,
  image?: string,
): Promise<void> {
  await waitFor(
    `${field} subsets ${JSON.stringify(want)}${image !== undefined ? ` on ${image}` : ""}`,
    async () => {
      const sets = await subsetWorkloads(ns, field, name);
      if (sets.size !== Object.keys(want).length) return false;
      for (const [subset, replicas] of Object.entries(want))
        if (sets.get(subset)?.spec?.replicas !== replicas) return false;
      const all = await livePods(ns, name);
      for (const [subset, replicas] of Object.entries(want)) {
        const mine = all.filter((p) => p.metadata?.labels?.["apps.kruise.io/subset-name"] === subset);
        if (mine.length !== replicas) return false;
        for (const p of mine) {
          if (!isReady(p)) return false;
          if (zones.get(p.spec?.nodeName ?? "") !== `zone-${subset}`) return false;
          if (image !== undefined && p.spec?.containers[0]?.image !== image) return false;
        }
      }
      return true;
    },
    120_000,
    250,
  );
}

/** Where each kind keeps the partition the UnitedDeployment pushes (a Deployment has none). */
export function partitionOf(field: TemplateField, w: Workload | undefined): number | undefined {
  const strategy = w?.spec?.updateStrategy;
  if (field === "cloneSetTemplate") return strategy?.["partition"] as number | undefined;
  if (field === "deploymentTemplate") return undefined;
  return (strategy?.["rollingUpdate"] as { partition?: number } | undefined)?.partition;
}

/**
 * The issue's walk for one kind: 6 split 1/3/2 with Ready pods in their zones and the split in status; `kubectl
 * scale` to 10 gives 1/5/4; an image change reaches every subset and completes the revision; partitions land on
 * the subset workloads (capped at their replicas).
 */
export async function splitScaleRollPartition(
  ns: string,
  field: TemplateField,
  name: string,
  zones: ReadonlyMap<string, string>,
): Promise<void> {
  await apply(zonedUd(ns, name, field, 6));
  await waitForSplit(ns, field, name, zones, { a: 1, b: 3, c: 2 });
  for (const [subset, w] of await subsetWorkloads(ns, field, name)) {
    if (w.metadata?.generateName !== `${name}-${subset}-`)
      throw new Error(`generateName ${w.metadata?.generateName}`);
    const owner = w.metadata.ownerReferences?.find((r) => r.controller === true);
    if (owner?.kind !== "UnitedDeployment" || owner.name !== name)
      throw new Error(`owner ${JSON.stringify(owner)}`);
  }
  const first = await waitFor("status of 6 ready", async () => {
    const s = (await getUd(ns, name)).status;
    return s?.readyReplicas === 6 && JSON.stringify(s.subsetReplicas) === JSON.stringify({ a: 1, b: 3, c: 2 })
      ? s
      : undefined;
  });
  await k(["scale", "uniteddeployment", name, "-n", ns, "--replicas=10"]);
  await waitForSplit(ns, field, name, zones, { a: 1, b: 5, c: 4 });
  await k([
    "patch",
    "ud",
    name,
    "-n",
    ns,
    "--type=json",
    "-p",
    JSON.stringify([
      {
        op: "replace",
        path: `/spec/template/${field}/spec/template/spec/containers/0/image`,
        value: "nginx:2",
      },
    ]),
  ]);
  await waitForSplit(ns, field, name, zones, { a: 1, b: 5, c: 4 }, "nginx:2");
  await waitFor("every pod updated and the revision complete", async () => {
    const s = (await getUd(ns, name)).status;
    return (
      s?.updatedReadyReplicas === 10 &&
      s.currentRevision !== first.currentRevision &&
      s.currentRevision === s.updatedRevision
    );
  });
  await k([
    "patch",
    "ud",
    name,
    "-n",
    ns,
    "--type=merge",
    "-p",
    JSON.stringify({ spec: { updateStrategy: { manualUpdate: { partitions: { b: 2, c: 9 } } } } }),
  ]);
  await waitFor("partitions on the subset workloads", async () => {
    const s = await subsetWorkloads(ns, field, name);
    const seen = ["a", "b", "c"].map((subset) => partitionOf(field, s.get(subset)));
    const want = field === "deploymentTemplate" ? [undefined, undefined, undefined] : [0, 2, 4];
    // Thrown, so a timeout says what the workloads held.
    if (JSON.stringify(seen) !== JSON.stringify(want))
      throw new Error(
        `partitions ${JSON.stringify(seen)}, strategies ${JSON.stringify([...s.values()].map((w) => w.spec?.updateStrategy))}`,
      );
    return true;
  });
  await waitFor("status partitions", async () => {
    const s = (await getUd(ns, name)).status;
    return JSON.stringify(s?.updateStatus?.currentPartitions) === JSON.stringify({ a: 0, b: 2, c: 4 });
  });
}
