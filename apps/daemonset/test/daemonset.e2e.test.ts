// Advanced DaemonSet against a private control plane: 6 simulated nodes over 3 zones, kube-scheduler and
// kube-controller-manager (whose built-in DaemonSet controller runs beside ours in one test), with the controller
// running in this process on the real clock.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonSet as AppsDaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { DaemonSetKind, DaemonSetV1alpha1Kind, type DaemonSet } from "@kruise/api";
import {
  ControllerRevisionKind,
  createClient,
  type HttpClient,
  type Kind,
  loadRestConfig,
  Manager,
  NodeKind,
  PodKind,
  type WriteRecord,
} from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import { waitFor } from "@kruise/testenv/vitest";
import { daemonPodTargetNode } from "@kruise/workload";
import { addDaemonSetController, CONTROLLER_NAME } from "../src/controller.ts";

const BuiltinDaemonSetKind: Kind<AppsDaemonSet> = {
  group: "apps",
  version: "v1",
  kind: "DaemonSet",
  plural: "daemonsets",
  namespaced: true,
};
const ZONE = "topology.kubernetes.io/zone";
const HASH = "controller-revision-hash";

let cp: ControlPlane;
let client: HttpClient;
let mgr: Manager;
let running: Promise<void>;
let nsCount = 0;
const writes: WriteRecord[] = [];

beforeAll(async () => {
  cp = await startControlPlane({ nodes: 6, zones: ["zone-a", "zone-b", "zone-c"], nats: false });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
  mgr = await Manager.create({
    name: "ads-test",
    kubeconfig: cp.kubeconfigPath,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: "warn" }),
    onWrite: (w) => {
      if (w.controller === CONTROLLER_NAME) writes.push(w);
    },
  });
  addDaemonSetController(mgr, { workers: 3 });
  running = mgr.start();
  await waitFor("6 ready, untainted nodes", async () => {
    const nodes = (await client.list(NodeKind)).items;
    return nodes.length === 6 && nodes.every((n) => (n.spec?.taints ?? []).length === 0);
  });
}, 180_000);

afterAll(async () => {
  await mgr?.stop();
  await running?.catch(() => undefined);
  await client?.close();
  await cp?.stop();
});

async function namespace(): Promise<string> {
  const name = `ads-${++nsCount}`;
  await client.create(
    { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
    { metadata: { name } },
  );
  return name;
}

function daemonSet(ns: string, name: string, spec: Partial<NonNullable<DaemonSet["spec"]>> = {}): DaemonSet {
  return {
    apiVersion: "apps.kruise.io/v1beta1",
    kind: "DaemonSet",
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "main", image: "nginx:1.25" }] },
      },
      ...spec,
    },
  };
}

async function livePods(ns: string): Promise<Pod[]> {
  return (await client.list(PodKind, { namespace: ns })).items.filter((p) => !p.metadata?.deletionTimestamp);
}

const isReady = (p: Pod): boolean =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

async function nodeNames(filter: (n: Node) => boolean = () => true): Promise<string[]> {
  return (await client.list(NodeKind)).items
    .filter(filter)
    .map((n) => n.metadata?.name ?? "")
    .sort();
}

/** One ready pod on each of `nodes` and none elsewhere. */
async function waitOnePodPerNode(ns: string, nodes: readonly string[], what: string): Promise<Pod[]> {
  let last: Pod[] = [];
  await waitFor(what, async () => {
    last = await livePods(ns);
    const placed = last.map((p) => daemonPodTargetNode(p) ?? "?").sort();
    return JSON.stringify(placed) === JSON.stringify([...nodes].sort()) && last.every(isReady);
  });
  return last;
}

async function waitStatus(ns: string, name: string, check: (s: NonNullable<DaemonSet["status"]>) => boolean) {
  await waitFor(`status of ${ns}/${name}`, async () => {
    const ds = await client.get(DaemonSetKind, name, ns);
    return (
      ds.status !== undefined &&
      (ds.status.observedGeneration ?? 0) >= (ds.metadata?.generation ?? 1) &&
      check(ds.status)
    );
  });
}

async function patchSpec(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await client.patch(DaemonSetKind, name, ns, "merge", { spec });
}

const image = (p: Pod): string | undefined => p.spec?.containers[0]?.image;
const byNode = (pods: readonly Pod[]): Map<string, Pod> =>
  new Map(pods.map((p) => [daemonPodTargetNode(p) ?? "", p]));

describe("Advanced DaemonSet on a multi-zone cluster", { timeout: 180_000 }, () => {
  it("runs one ready pod per node, follows nodes joining, NoExecute taints and a zone nodeSelector", async () => {
    const ns = await namespace();
    await client.create(DaemonSetKind, daemonSet(ns, "place"));
    const all = await nodeNames();
    const pods = await waitOnePodPerNode(ns, all, "a pod on each of the 6 nodes");
    for (const pod of pods) {
      expect(pod.metadata?.labels?.[HASH]).toMatch(/^[a-z0-9]+$/);
      expect(pod.metadata?.labels?.["pod-template-generation"]).toBe("1");
      expect(pod.metadata?.generateName).toBe("place-");
      expect(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual({
        nodeSelectorTerms: [
          { matchFields: [{ key: "metadata.name", operator: "In", values: [pod.spec?.nodeName] }] },
        ],
      });
      expect(pod.spec?.tolerations?.map((t) => t.key)).toContain("node.kubernetes.io/unschedulable");
    }
    await waitStatus(ns, "place", (s) => s.desiredNumberScheduled === 6 && s.numberAvailable === 6);

    await cp.kubelet.addNode("late-node", "zone-a");
    await waitOnePodPerNode(ns, [...all, "late-node"], "a pod on the node that joined");

    const tainted = all[0] ?? "";
    await client.patch(NodeKind, tainted, undefined, "merge", {
      spec: { taints: [{ key: "example.com/drain", value: "x", effect: "NoExecute" }] },
    });
    try {
      await waitOnePodPerNode(ns, [...all.slice(1), "late-node"], "no pod on the NoExecute-tainted node");
    } finally {
      await client.patch(NodeKind, tainted, undefined, "merge", { spec: { taints: null } });
    }

    const zoneA = await nodeNames((n) => n.metadata?.labels?.[ZONE] === "zone-a");
    await patchSpec(ns, "place", {
      template: {
        metadata: { labels: { app: "place" } },
        spec: { nodeSelector: { [ZONE]: "zone-a" }, containers: [{ name: "main", image: "nginx:1.25" }] },
      },
    });
    await waitOnePodPerNode(ns, zoneA, "pods only on zone-a");
    await waitStatus(
      ns,
      "place",
      (s) => s.desiredNumberScheduled === zoneA.length && s.numberMisscheduled === 0,
    );
  });

  it("partition N-1 updates exactly the highest-named node and holds; a zone selector; then partition 0", async () => {
    const ns = await namespace();
    await client.create(DaemonSetKind, daemonSet(ns, "part"));
    const all = (await nodeNames()).filter((n) => n !== "late-node" || true);
    await waitOnePodPerNode(ns, all, "initial pods");
    await patchSpec(ns, "part", {
      updateStrategy: { rollingUpdate: { partition: all.length - 1 } },
      template: {
        metadata: { labels: { app: "part" } },
        spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
      },
    });
    const highest = [...all].sort().reverse()[0];
    await waitFor("the highest-named node updated", async () => {
      const pods = await livePods(ns);
      const updated = pods.filter((p) => image(p) === "nginx:1.27");
      return (
        updated.length === 1 &&
        daemonPodTargetNode(updated[0] as Pod) === highest &&
        isReady(updated[0] as Pod)
      );
    });
    await waitStatus(ns, "part", (s) => s.updatedNumberScheduled === 1 && s.numberAvailable === all.length);
    expect((await livePods(ns)).filter((p) => image(p) === "nginx:1.27")).toHaveLength(1);

    // Partition 0, but only zone-b nodes may update.
    const zoneB = await nodeNames((n) => n.metadata?.labels?.[ZONE] === "zone-b");
    await patchSpec(ns, "part", {
      updateStrategy: { rollingUpdate: { partition: 0, selector: { matchLabels: { [ZONE]: "zone-b" } } } },
    });
    const expectUpdated = new Set([...zoneB, highest]);
    await waitFor("zone-b updated", async () => {
      const pods = await livePods(ns);
      return (
        pods.length === all.length &&
        pods.every(isReady) &&
        pods.every((p) => (image(p) === "nginx:1.27") === expectUpdated.has(daemonPodTargetNode(p) ?? ""))
      );
    });
    await patchSpec(ns, "part", { updateStrategy: { rollingUpdate: { selector: null } } });
    await waitFor("every node updated", async () => {
      const pods = await livePods(ns);
      return pods.length === all.length && pods.every((p) => image(p) === "nginx:1.27" && isReady(p));
    });
  });

  it("InPlaceIfPossible keeps every pod's UID; paused changes nothing", async () => {
    const ns = await namespace();
    await client.create(
      DaemonSetKind,
      daemonSet(ns, "inplace", {
        updateStrategy: {
          rollingUpdate: { rollingUpdateType: "InPlaceIfPossible", maxUnavailable: 2, paused: true },
        },
      }),
    );
    const all = await nodeNames();
    const before = byNode(await waitOnePodPerNode(ns, all, "initial pods"));
    for (const pod of before.values()) {
      expect(pod.spec?.readinessGates).toEqual([{ conditionType: "InPlaceUpdateReady" }]);
    }
    await patchSpec(ns, "inplace", {
      template: {
        metadata: { labels: { app: "inplace" } },
        spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
      },
    });
    await waitStatus(ns, "inplace", (s) => s.updatedNumberScheduled === 0);
    expect((await livePods(ns)).every((p) => image(p) === "nginx:1.25")).toBe(true);

    await patchSpec(ns, "inplace", { updateStrategy: { rollingUpdate: { paused: false } } });
    await waitFor("every pod updated in place", async () => {
      const pods = await livePods(ns);
      return (
        pods.length === all.length &&
        pods.every(
          (p) =>
            image(p) === "nginx:1.27" &&
            isReady(p) &&
            p.status?.containerStatuses?.[0]?.image === "nginx:1.27",
        )
      );
    });
    const after = byNode(await livePods(ns));
    for (const [node, pod] of before) expect(after.get(node)?.metadata?.uid).toBe(pod.metadata?.uid);
    await waitStatus(
      ns,
      "inplace",
      (s) => s.updatedNumberScheduled === all.length && s.numberAvailable === all.length,
    );
  });

  it("Standard with maxSurge 1 starts the new pod before deleting the old one, never two new pods on a node", async () => {
    const ns = await namespace();
    await client.create(
      DaemonSetKind,
      daemonSet(ns, "surge", { updateStrategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }),
    );
    const all = await nodeNames();
    await waitOnePodPerNode(ns, all, "initial pods");
    await patchSpec(ns, "surge", {
      template: {
        metadata: { labels: { app: "surge" } },
        spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
      },
    });
    let sawTwoOnANode = false;
    await waitFor("every node surged to the new pod", async () => {
      const pods = (await client.list(PodKind, { namespace: ns })).items;
      const perNode = new Map<string, Pod[]>();
      for (const p of pods)
        perNode.set(daemonPodTargetNode(p) ?? "", [...(perNode.get(daemonPodTargetNode(p) ?? "") ?? []), p]);
      for (const [, list] of perNode) {
        const live = list.filter((p) => !p.metadata?.deletionTimestamp);
        expect(live.filter((p) => image(p) === "nginx:1.27").length).toBeLessThanOrEqual(1);
        // A node never lacks a ready pod: the old one goes only after the new one is available.
        expect(live.some(isReady)).toBe(true);
        if (live.length === 2) sawTwoOnANode = true;
      }
      const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
      return live.length === all.length && live.every((p) => image(p) === "nginx:1.27" && isReady(p));
    });
    expect(sawTwoOnANode).toBe(true);
  });

  it("a preDelete hook holds a replaced pod in PreparingDelete until the hook is released", async () => {
    const ns = await namespace();
    await client.create(
      DaemonSetKind,
      daemonSet(ns, "hook", {
        lifecycle: { preDelete: { labelsHandler: { "example.com/hold": "true" } } },
        updateStrategy: { rollingUpdate: { partition: 5 } },
        template: {
          metadata: { labels: { app: "hook", "example.com/hold": "true" } },
          spec: { containers: [{ name: "main", image: "nginx:1.25" }] },
        },
      }),
    );
    const all = await nodeNames();
    await waitOnePodPerNode(ns, all, "initial pods");
    await patchSpec(ns, "hook", {
      updateStrategy: { rollingUpdate: { partition: all.length - 1 } },
      template: {
        metadata: { labels: { app: "hook", "example.com/hold": "true" } },
        spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
      },
    });
    let held: Pod | undefined;
    await waitFor("the replaced pod held in PreparingDelete", async () => {
      held = (await livePods(ns)).find(
        (p) => p.metadata?.labels?.["lifecycle.apps.kruise.io/state"] === "PreparingDelete",
      );
      return held !== undefined;
    });
    await waitStatus(ns, "hook", (s) => s.numberUnavailable === 0 || s.numberUnavailable === 1);
    expect((await livePods(ns)).some((p) => p.metadata?.uid === held?.metadata?.uid)).toBe(true);
    await client.patch(PodKind, held?.metadata?.name ?? "", ns, "merge", {
      metadata: { labels: { "example.com/hold": null } },
    });
    await waitFor("held pod deleted and replaced", async () => {
      const pods = await livePods(ns);
      return (
        !pods.some((p) => p.metadata?.uid === held?.metadata?.uid) &&
        pods.filter((p) => image(p) === "nginx:1.27" && isReady(p)).length === 1 &&
        pods.length === all.length
      );
    });
  });

  it("releases a pod relabelled out of the selector and places a new one on its node", async () => {
    const ns = await namespace();
    const all = await nodeNames();
    const ds = await client.create(DaemonSetKind, daemonSet(ns, "release"));
    const pods = await waitOnePodPerNode(ns, all, "a ready pod on every node");
    const stray = pods[0] as Pod;
    const node = daemonPodTargetNode(stray) ?? "";
    await client.patch(PodKind, stray.metadata?.name ?? "", ns, "merge", {
      metadata: { labels: { app: "elsewhere" } },
    });
    await waitFor("the stray released and a new pod on its node", async () => {
      const live = await livePods(ns);
      const released = live.find((p) => p.metadata?.uid === stray.metadata?.uid);
      const mine = live.filter((p) => p.metadata?.labels?.["app"] === "release");
      return (
        released !== undefined &&
        !(released.metadata?.ownerReferences ?? []).some((r) => r.uid === ds.metadata?.uid) &&
        mine.length === all.length &&
        mine.some((p) => daemonPodTargetNode(p) === node && isReady(p))
      );
    });
    // Events are sent in the background: wait for it.
    await waitFor("a SuccessfulRelease event", async () => {
      const events = await client.list(
        { group: "", version: "v1", kind: "Event", plural: "events", namespaced: true },
        { namespace: ns },
      );
      return events.items.some((e) => (e as { reason?: string }).reason === "SuccessfulRelease");
    });
  });

  // OpenKruise's cleanupHistory: the limit counts every old revision, those pods still carry included, and the excess
  // goes from the oldest ones no pod carries.
  it("revisionHistoryLimit counts the old revisions pods still carry; only unused ones are deleted", async () => {
    const ns = await namespace();
    const all = await nodeNames();
    const template = (tag: string) => ({
      metadata: { labels: { app: "hist" } },
      spec: { containers: [{ name: "main", image: `nginx:${tag}` }] },
    });
    // A partition of every node: the pods stay at the first revision while the template moves on.
    await client.create(
      DaemonSetKind,
      daemonSet(ns, "hist", {
        revisionHistoryLimit: 1,
        updateStrategy: { rollingUpdate: { partition: all.length } },
      }),
    );
    await waitOnePodPerNode(ns, all, "pods at the first revision");
    const hashOf = async (): Promise<string> =>
      (await client.get(DaemonSetKind, "hist", ns)).status?.daemonSetHash ?? "";
    await waitFor("the first revision in status", async () => (await hashOf()) !== "");
    const first = await hashOf();
    let latest = first;
    for (const tag of ["1.26", "1.27", "1.28"]) {
      await patchSpec(ns, "hist", { template: template(tag) });
      const previous = latest;
      await waitStatus(ns, "hist", (s) => (s.daemonSetHash ?? previous) !== previous);
      latest = await hashOf();
    }
    const revisionHashes = async (): Promise<string[]> =>
      (await client.list(ControllerRevisionKind, { namespace: ns })).items
        .map((r) => r.metadata?.labels?.[HASH] ?? "")
        .sort();
    // Three old revisions against a limit of 1: the two no pod carries go, the pods' one stays.
    await waitFor("only the pods' revision and the update revision left", async () => {
      return JSON.stringify(await revisionHashes()) === JSON.stringify([first, latest].sort());
    });
    expect(
      (await livePods(ns)).every((p) => p.metadata?.labels?.[HASH] === first && image(p) === "nginx:1.25"),
    ).toBe(true);
  });

  it("rolls a plain DaemonSet manifest out like kube-controller-manager's DaemonSet, and converged means zero writes", async () => {
    const ns = await namespace();
    const manifest = (apiVersion: string): AppsDaemonSet => ({
      apiVersion: apiVersion as "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "plain", namespace: ns },
      spec: {
        selector: { matchLabels: { app: "plain" } },
        template: {
          metadata: { labels: { app: "plain" } },
          spec: { containers: [{ name: "main", image: "nginx:1.25" }] },
        },
      },
    });
    const builtinNs = await namespace();
    await client.create(BuiltinDaemonSetKind, {
      ...manifest("apps/v1"),
      metadata: { name: "plain", namespace: builtinNs },
    });
    // Written as OpenKruise 1.8 users write it: v1alpha1.
    await client.create(DaemonSetV1alpha1Kind, manifest("apps.kruise.io/v1alpha1") as DaemonSet);
    const all = await nodeNames();
    await waitOnePodPerNode(ns, all, "ours on every node");
    await waitOnePodPerNode(builtinNs, all, "kcm's on every node");
    const update = {
      template: {
        metadata: { labels: { app: "plain" } },
        spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
      },
    };
    await client.patch(BuiltinDaemonSetKind, "plain", builtinNs, "merge", { spec: update });
    await patchSpec(ns, "plain", update);
    // Both at the default maxUnavailable 1: never more than one node without a ready pod.
    const maxDown = { ours: 0, kcm: 0 };
    await waitFor("both rolled out", async () => {
      const [ours, kcm] = await Promise.all([livePods(ns), livePods(builtinNs)]);
      const down = (pods: Pod[]): number => all.length - pods.filter(isReady).length;
      maxDown.ours = Math.max(maxDown.ours, down(ours));
      maxDown.kcm = Math.max(maxDown.kcm, down(kcm));
      const done = (pods: Pod[]): boolean =>
        pods.length === all.length && pods.every((p) => image(p) === "nginx:1.27" && isReady(p));
      return done(ours) && done(kcm);
    });
    expect(maxDown.ours).toBeLessThanOrEqual(1);
    expect(maxDown.kcm).toBeLessThanOrEqual(1);
    const placed = async (n: string): Promise<string[]> =>
      (await livePods(n)).map((p) => p.spec?.nodeName ?? "").sort();
    expect(await placed(ns)).toEqual(await placed(builtinNs));
    // Every count as kcm's, both read afresh on each probe: the last pod turning ready is followed by one more status
    // write, and a snapshot of a few counts could match before it lands (it would then be counted as the poke's).
    const COUNTS = [
      "currentNumberScheduled",
      "desiredNumberScheduled",
      "numberAvailable",
      "numberMisscheduled",
      "numberReady",
      "numberUnavailable",
      "updatedNumberScheduled",
    ] as const;
    await waitFor("every status count as kcm's", async () => {
      const [ours, kcm] = await Promise.all([
        client.get(DaemonSetKind, "plain", ns),
        client.get(BuiltinDaemonSetKind, "plain", builtinNs),
      ]);
      const settled = (o: { metadata?: { generation?: number }; status?: { observedGeneration?: number } }) =>
        (o.status?.observedGeneration ?? 0) >= (o.metadata?.generation ?? 1);
      return (
        settled(ours) &&
        settled(kcm) &&
        COUNTS.every((c) => (ours.status?.[c] ?? 0) === (kcm.status?.[c] ?? 0)) &&
        (ours.status?.numberAvailable ?? 0) === all.length
      );
    });

    // A status write of the rollout's own may still be in flight (seen under a loaded full run): wait until the
    // controller has made no write for 1.5 s. A controller that never settles fails here; one whose reconcile writes
    // when nothing changed fails below.
    let seen = -1;
    let quietSince = Date.now();
    await waitFor("the controller to make no write for 1.5 s", () => {
      const count = writes.filter((w) => w.namespace === ns).length;
      if (count !== seen) [seen, quietSince] = [count, Date.now()];
      return Date.now() - quietSince >= 1_500;
    });

    // Converged: a reconcile (forced by an annotation) writes nothing.
    const before = writes.filter((w) => w.namespace === ns).length;
    await client.patch(DaemonSetKind, "plain", ns, "merge", { metadata: { annotations: { poke: "1" } } });
    await new Promise((r) => setTimeout(r, 2_000));
    expect(writes.filter((w) => w.namespace === ns).slice(before)).toEqual([]);
  });
});
