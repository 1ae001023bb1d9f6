// BroadcastJob against a private control plane (4 simulated nodes over 2 zones, kube-scheduler), with the
// controller running in this process on the real clock. Pods finish through the simulated kubelet's
// testenv.kruise.io/exit-code annotation, which the tests put in the job's pod template.
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { BroadcastJobKind, BroadcastJobV1beta1Kind, type BroadcastJob } from "@kruise/api";
import {
  createClient,
  type HttpClient,
  loadRestConfig,
  Manager,
  NodeKind,
  NotFoundError,
  PodKind,
} from "@kruise/sdk";
import { startControlPlane, type ControlPlane } from "@kruise/testenv";
import { addBroadcastJobController } from "../src/controller.ts";
import { assignedNode } from "@kruise/workload";
import { waitFor } from "@kruise/testenv/vitest";

const EXIT_CODE = "testenv.kruise.io/exit-code";
let cp: ControlPlane;
let client: HttpClient;
let mgr: Manager;
let running: Promise<void>;
let nsCount = 0;

beforeAll(async () => {
  cp = await startControlPlane({
    nodes: 4,
    zones: ["zone-a", "zone-b"],
    nats: false,
    controllerManager: false,
  });
  client = createClient(await loadRestConfig(cp.kubeconfigPath), { qps: 1000, burst: 1000 });
  mgr = await Manager.create({
    name: "bcj-test",
    kubeconfig: cp.kubeconfigPath,
    metricsBindAddress: "0",
    healthProbeBindAddress: "0",
    logger: pino({ level: process.env.BCJ_TEST_LOG ?? "warn" }),
  });
  addBroadcastJobController(mgr, { workers: 3 });
  running = mgr.start();
  // Nodes start with the not-ready taint until their kubelet reports Ready; wait until every node is clean.
  await waitFor("4 ready, untainted nodes", async () => {
    const nodes = (await client.list(NodeKind)).items;
    return nodes.length === 4 && nodes.every((n) => (n.spec?.taints ?? []).length === 0);
  });
}, 180_000);

afterAll(async () => {
  await mgr?.stop();
  await running?.catch(() => undefined);
  await client?.close();
  await cp?.stop();
});

async function namespace(): Promise<string> {
  const name = `bcj-${++nsCount}`;
  await client.create(
    { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
    { metadata: { name } },
  );
  return name;
}

function jobObject(
  ns: string,
  name: string,
  spec: Partial<NonNullable<BroadcastJob["spec"]>>,
  exitCode?: string,
): BroadcastJob {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "BroadcastJob",
    metadata: { name, namespace: ns },
    spec: {
      template: {
        metadata: exitCode === undefined ? {} : { annotations: { [EXIT_CODE]: exitCode } },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox:1.36" }] },
      },
      ...spec,
    },
  };
}

async function pods(ns: string): Promise<Pod[]> {
  return (await client.list(PodKind, { namespace: ns })).items;
}

async function job(ns: string, name: string): Promise<BroadcastJob | undefined> {
  return client.get(BroadcastJobKind, name, ns).catch((err: unknown) => {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  });
}

describe("BroadcastJob on a multi-zone cluster", () => {
  it("runs exactly one pod on every eligible node, skipping tainted and unselected nodes, then completes", async () => {
    const ns = await namespace();
    const nodes = (await client.list(NodeKind)).items;
    const zoneA = nodes
      .filter((n) => n.metadata?.labels?.["topology.kubernetes.io/zone"] === "zone-a")
      .map((n) => n.metadata!.name!);
    // All nodes eligible first: one pod per node.
    await client.create(BroadcastJobKind, jobObject(ns, "all", {}, "0"));
    const done = await waitFor("job 'all' completed", async () =>
      (await job(ns, "all"))?.status?.phase === "completed" ? job(ns, "all") : undefined,
    );
    expect(done?.status).toMatchObject({ desired: 4, succeeded: 4, failed: 0, active: 0 });
    expect(done?.status?.conditions?.[0]).toMatchObject({ type: "Complete", status: "True" });
    const allPods = await pods(ns);
    expect(new Set(allPods.map((p) => p.spec?.nodeName)).size).toBe(4);
    expect(allPods).toHaveLength(4);
    // Pods are placed like OpenKruise does: node affinity on metadata.name, scheduled by kube-scheduler.
    for (const p of allPods)
      expect(assignedNode({ ...p, spec: { ...p.spec!, nodeName: "" } })).toBe(p.spec?.nodeName);

    // Taint one zone-a node; select zone-a only: the other zone-a node is the only eligible one.
    const [tainted, eligible] = zoneA;
    await client.patch(NodeKind, tainted!, undefined, "merge", {
      spec: { taints: [{ key: "dedicated", value: "infra", effect: "NoSchedule" }] },
    });
    try {
      await client.create(
        BroadcastJobKind,
        jobObject(ns, "zone-a", {
          template: {
            metadata: { annotations: { [EXIT_CODE]: "0" } },
            spec: {
              restartPolicy: "Never",
              nodeSelector: { "topology.kubernetes.io/zone": "zone-a" },
              containers: [{ name: "main", image: "busybox:1.36" }],
            },
          },
        }),
      );
      const zoneJob = await waitFor("job 'zone-a' completed", async () =>
        (await job(ns, "zone-a"))?.status?.phase === "completed" ? job(ns, "zone-a") : undefined,
      );
      expect(zoneJob?.status).toMatchObject({ desired: 1, succeeded: 1 });
      const zonePods = (await pods(ns)).filter((p) => p.metadata?.labels?.["broadcastjob-name"] === "zone-a");
      expect(zonePods.map((p) => p.spec?.nodeName)).toEqual([eligible]);
    } finally {
      await client.patch(NodeKind, tainted!, undefined, "merge", { spec: { taints: null } });
    }
  });

  it("respects parallelism", async () => {
    const ns = await namespace();
    // No exit code: pods run until the test finishes them.
    await client.create(BroadcastJobKind, jobObject(ns, "par", { parallelism: "50%" }));
    await waitFor("2 pods", async () => (await pods(ns)).length === 2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pods(ns)).toHaveLength(2);
    expect((await job(ns, "par"))?.status).toMatchObject({ desired: 4, active: 2 });
    let maxActive = 0;
    for (let round = 0; round < 4; round++) {
      const current = await pods(ns);
      const active = current.filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
      maxActive = Math.max(maxActive, active.length);
      for (const p of active)
        await client.patch(PodKind, p.metadata!.name!, ns, "merge", {
          metadata: { annotations: { [EXIT_CODE]: "0" } },
        });
      if (current.length === 4 && active.length === 0) break;
      await waitFor(
        "pods to finish",
        async () =>
          (await pods(ns)).filter((p) => p.status?.phase === "Succeeded").length >=
          Math.min(4, current.length),
      );
      await waitFor(
        "next pods",
        async () =>
          (await pods(ns)).length >= Math.min(4, current.length + 1) ||
          (await job(ns, "par"))?.status?.phase === "completed",
      );
    }
    const finished = await waitFor("completed", async () =>
      (await job(ns, "par"))?.status?.phase === "completed" ? job(ns, "par") : undefined,
    );
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(finished?.status).toMatchObject({ succeeded: 4, desired: 4 });
  });

  it("Never keeps running and covers a node that becomes eligible later", async () => {
    const ns = await namespace();
    const nodeName = (await client.list(NodeKind)).items[0]!.metadata!.name!;
    await client.patch(NodeKind, nodeName, undefined, "merge", { spec: { unschedulable: true } });
    try {
      await client.create(
        BroadcastJobKind,
        jobObject(ns, "never", { completionPolicy: { type: "Never" } }, "0"),
      );
      await waitFor("3 succeeded", async () => (await job(ns, "never"))?.status?.succeeded === 3);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await job(ns, "never"))?.status?.phase).toBe("running");
    } finally {
      await client.patch(NodeKind, nodeName, undefined, "merge", { spec: { unschedulable: null } });
    }
    // Uncordoned: the job sees the node and runs its pod there too.
    await waitFor("4 succeeded", async () => (await job(ns, "never"))?.status?.succeeded === 4);
    expect((await job(ns, "never"))?.status).toMatchObject({ phase: "running", desired: 4 });
    expect((await job(ns, "never"))?.status?.conditions ?? []).toEqual([]);
  });

  it("is deleted after its TTL, within a second of the due time (real clock)", async () => {
    const ns = await namespace();
    await client.create(
      BroadcastJobKind,
      jobObject(ns, "ttl", { completionPolicy: { type: "Always", ttlSecondsAfterFinished: 3 } }, "0"),
    );
    const done = await waitFor("completed", async () =>
      (await job(ns, "ttl"))?.status?.phase === "completed" ? job(ns, "ttl") : undefined,
    );
    const due = Date.parse(done.status!.completionTime ?? "") + 3000;
    await waitFor("deleted", async () => (await job(ns, "ttl")) === undefined, 15_000, 50);
    const lateness = Date.now() - due;
    console.log(`[bcj] TTL deletion lateness vs due time: ${lateness} ms`);
    expect(lateness).toBeLessThan(1000 + 100); // 100 ms of polling slack
  });

  it("fails fast on the first failed pod and deletes active ones", async () => {
    const ns = await namespace();
    await client.create(
      BroadcastJobKind,
      jobObject(ns, "ff", { parallelism: 1, failurePolicy: { type: "FailFast" } }, "1"),
    );
    const failed = await waitFor("failed", async () =>
      (await job(ns, "ff"))?.status?.phase === "failed" ? job(ns, "ff") : undefined,
    );
    expect(failed?.status?.conditions?.[0]).toMatchObject({ type: "Failed", status: "True" });
    expect(failed?.status?.failed).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pods(ns)).toHaveLength(1); // parallelism 1: the other nodes never got a pod
  });

  it("pauses on a failed pod with failurePolicy Pause, and on spec.paused", async () => {
    const ns = await namespace();
    await client.create(
      BroadcastJobKind,
      jobObject(ns, "pause", { parallelism: 1, failurePolicy: { type: "Pause" } }, "1"),
    );
    await waitFor("paused", async () => (await job(ns, "pause"))?.status?.phase === "paused");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await pods(ns)).toHaveLength(1);
    expect((await job(ns, "pause"))?.status).toMatchObject({ phase: "paused", failed: 1 });

    await client.create(BroadcastJobKind, jobObject(ns, "held", { paused: true }, "0"));
    await waitFor("held paused", async () => (await job(ns, "held"))?.status?.phase === "paused");
    expect((await pods(ns)).filter((p) => p.metadata?.labels?.["broadcastjob-name"] === "held")).toHaveLength(
      0,
    );
    await client.patch(BroadcastJobKind, "held", ns, "merge", { spec: { paused: false } });
    await waitFor("held completed", async () => (await job(ns, "held"))?.status?.phase === "completed");
  });

  it("fails with DeadlineExceeded at activeDeadlineSeconds, within a second (real clock)", async () => {
    const ns = await namespace();
    await client.create(
      BroadcastJobKind,
      jobObject(ns, "deadline", { completionPolicy: { type: "Always", activeDeadlineSeconds: 2 } }),
    );
    const started = await waitFor("started", async () => (await job(ns, "deadline"))?.status?.startTime);
    const due = Date.parse(started) + 2000;
    await waitFor("failed", async () => (await job(ns, "deadline"))?.status?.phase === "failed", 15_000, 50);
    const lateness = Date.now() - due;
    console.log(`[bcj] activeDeadlineSeconds lateness vs due time: ${lateness} ms`);
    expect(lateness).toBeLessThan(1100);
    const failed = await job(ns, "deadline");
    expect(failed?.status?.conditions?.[0]).toMatchObject({ type: "Failed" });
    expect(failed?.status?.conditions?.[0]?.message).toContain("deadline");
    await waitFor(
      "active pods deleted",
      async () =>
        (await pods(ns)).every((p) => p.metadata?.deletionTimestamp) || (await pods(ns)).length === 0,
    );
  });

  it("a v1beta1 BroadcastJob runs as its v1alpha1 twin, and each reads back in both versions", async () => {
    const ns = await namespace();
    const spec = { parallelism: 2, failurePolicy: { type: "Continue" as const } };
    await client.create(BroadcastJobKind, jobObject(ns, "alpha", spec, "0"));
    await client.create(BroadcastJobV1beta1Kind, {
      ...jobObject(ns, "beta", spec, "0"),
      apiVersion: "apps.kruise.io/v1beta1",
    });
    const completed = async (name: string) =>
      waitFor(`job '${name}' completed`, async () =>
        (await job(ns, name))?.status?.phase === "completed" ? job(ns, name) : undefined,
      );
    const [alpha, beta] = await Promise.all([completed("alpha"), completed("beta")]);
    const counts = (j: BroadcastJob | undefined) => {
      const { desired, active, succeeded, failed, phase } = j?.status ?? {};
      return { desired, active, succeeded, failed, phase };
    };
    expect(counts(beta)).toEqual(counts(alpha));
    expect(counts(beta)).toMatchObject({ desired: 4, succeeded: 4, failed: 0, active: 0 });
    for (const name of ["alpha", "beta"]) {
      const asAlpha = await client.get(BroadcastJobKind, name, ns);
      const asBeta = await client.get(BroadcastJobV1beta1Kind, name, ns);
      expect(asAlpha.apiVersion).toBe("apps.kruise.io/v1alpha1");
      expect(asBeta.apiVersion).toBe("apps.kruise.io/v1beta1");
      expect(asBeta.spec).toEqual(asAlpha.spec);
      expect(asBeta.status).toEqual(asAlpha.status);
    }
    // Both twins' pods are owned the same way (the controller writes its one internal version, v1alpha1).
    const owners = new Set((await pods(ns)).map((p) => p.metadata?.ownerReferences?.[0]?.apiVersion));
    expect([...owners]).toEqual(["apps.kruise.io/v1alpha1"]);
  });

  it("OpenKruise's dispatching scenario: parallelism 1 below the node count, a fake node without a kubelet", async () => {
    // As OpenKruise's e2e "succeeds for parallelism < number of node": a tainted fake node the job tolerates, whose
    // pod the test marks Succeeded; a second fake node reports no allocatable.pods, so it is not eligible.
    const ns = await namespace();
    const key = "e2e-fake";
    const fake = async (name: string, allocatable: Record<string, string>) => {
      await client.create(NodeKind, {
        metadata: { name, labels: { "kubernetes.io/hostname": name } },
        spec: { taints: [{ key, value: ns, effect: "NoSchedule" }] },
      });
      await client.patchStatus(NodeKind, name, undefined, "merge", {
        status: {
          capacity: allocatable,
          allocatable,
          conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "fake" }],
        },
      });
      // The API server adds the not-ready taint to a new Node; this cluster runs no node lifecycle controller to
      // lift it once the node is Ready, so the test does.
      await client.patch(NodeKind, name, undefined, "merge", {
        spec: { taints: [{ key, value: ns, effect: "NoSchedule" }] },
      });
    };
    const fakeName = `fake-${ns}`;
    const noPods = `fake-nopods-${ns}`;
    await fake(fakeName, { cpu: "4", memory: "8Gi", pods: "10" });
    await fake(noPods, { cpu: "4", memory: "8Gi" });
    try {
      const spec = jobObject(ns, "dispatch", { parallelism: 1, completionPolicy: { type: "Always" } }, "0");
      spec.spec!.template.spec!.tolerations = [{ key, operator: "Equal", value: ns, effect: "NoSchedule" }];
      await client.create(BroadcastJobKind, spec);
      await waitFor(
        "desired 5 (4 nodes + the fake one)",
        async () => (await job(ns, "dispatch"))?.status?.desired === 5,
        3_000,
      );
      let maxActive = 0;
      await waitFor(
        "a pod on every eligible node",
        async () => {
          const all = await pods(ns);
          maxActive = Math.max(maxActive, (await job(ns, "dispatch"))?.status?.active ?? 0);
          const onFake = all.find((p) => p.spec?.nodeName === fakeName);
          if (onFake !== undefined && onFake.status?.phase !== "Succeeded")
            await client.patchStatus(PodKind, onFake.metadata!.name!, ns, "merge", {
              status: { phase: "Succeeded" },
            });
          return all.length === 5;
        },
        120_000,
      );
      const done = await waitFor("5 succeeded", async () => {
        const j = await job(ns, "dispatch");
        return j?.status?.succeeded === 5 ? j : undefined;
      });
      expect(done.status).toMatchObject({ desired: 5, succeeded: 5, failed: 0, phase: "completed" });
      expect(maxActive).toBeLessThanOrEqual(1);
      expect((await pods(ns)).some((p) => assignedNode(p) === noPods)).toBe(false);
    } finally {
      await client.delete(NodeKind, fakeName).catch(() => undefined);
      await client.delete(NodeKind, noPods).catch(() => undefined);
    }
  });

  it("a pod deleted because its node stopped fitting counts as failed", async () => {
    const ns = await namespace();
    const nodeName = (await client.list(NodeKind)).items.find((n) => !n.metadata?.name?.startsWith("fake"))!
      .metadata!.name!;
    const label = `bcj-fit-${ns}`;
    await client.patch(NodeKind, nodeName, undefined, "merge", { metadata: { labels: { [label]: "yes" } } });
    try {
      const spec = jobObject(ns, "misfit", { completionPolicy: { type: "Never" } });
      spec.spec!.template.spec!.nodeSelector = { [label]: "yes" };
      await client.create(BroadcastJobKind, spec);
      await waitFor("one running pod", async () =>
        (await pods(ns)).some((p) => p.status?.phase === "Running"),
      );
      // Every status the controller writes, from here on: the count may be back to 0 once the pod is gone.
      const seen: number[] = [];
      const abort = new AbortController();
      const start = (await client.list(BroadcastJobKind, { namespace: ns })).resourceVersion;
      const watching = (async () => {
        for await (const e of client.watch(BroadcastJobKind, {
          namespace: ns,
          signal: abort.signal,
          resourceVersion: start,
        }))
          seen.push(e.object.status?.failed ?? 0);
      })().catch(() => undefined);
      await client.patch(NodeKind, nodeName, undefined, "merge", { metadata: { labels: { [label]: null } } });
      await waitFor("failed counted", async () => seen.some((n) => n >= 1));
      await waitFor("the pod deleted", async () =>
        (await pods(ns)).every((p) => p.metadata?.deletionTimestamp),
      );
      abort.abort();
      await watching;
    } finally {
      await client.patch(NodeKind, nodeName, undefined, "merge", { metadata: { labels: { [label]: null } } });
    }
  });
});
