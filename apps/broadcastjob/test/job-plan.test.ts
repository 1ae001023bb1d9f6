import { describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { BroadcastJob } from "@kruise/api";
import { planBroadcastJob } from "../src/job-plan.ts";
import { assignedNode, bindToNode } from "@kruise/workload";
import { buildJobPod, podNameFor } from "../src/pod-builder.ts";

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);

function node(
  name: string,
  extra: {
    labels?: Record<string, string>;
    taints?: Node["spec"] extends infer S ? (S extends { taints?: infer T } ? T : never) : never;
    unschedulable?: boolean;
  } = {},
): Node {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...extra.labels } },
    spec: {
      ...(extra.taints ? { taints: extra.taints } : {}),
      ...(extra.unschedulable ? { unschedulable: true } : {}),
    },
    status: { allocatable: { cpu: "32", memory: "128Gi", pods: "250" } },
  };
}

function job(
  spec: Partial<NonNullable<BroadcastJob["spec"]>> = {},
  status: BroadcastJob["status"] = {},
): BroadcastJob {
  return {
    metadata: { name: "bj", namespace: "ns", uid: "uid-1" },
    spec: {
      template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
      ...spec,
    },
    status,
  };
}

function podOn(j: BroadcastJob, nodeName: string, phase: string, extra: Partial<Pod> = {}): Pod {
  const p = buildJobPod(j, nodeName, { assignByScheduler: true });
  return { ...p, spec: { ...p.spec!, nodeName }, status: { phase }, ...extra };
}

describe("pod placement", () => {
  it("binds through a metadata.name matchFields term, keeping preferred terms", () => {
    const a = bindToNode(
      {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, preference: { matchExpressions: [{ key: "x", operator: "Exists" }] } },
          ],
        },
      },
      "n7",
    );
    expect(a.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([
      { matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] },
    ]);
    expect(a.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(assignedNode({ spec: { containers: [], affinity: a } })).toBe("n7");
  });
  it("names pods deterministically per (job uid, node)", () => {
    expect(podNameFor("bj", "u", "n1")).toBe(podNameFor("bj", "u", "n1"));
    expect(podNameFor("bj", "u", "n1")).not.toBe(podNameFor("bj", "u", "n2"));
    expect(podNameFor("bj", "u", "n1")).not.toBe(podNameFor("bj", "u2", "n1"));
    expect(podNameFor("bj", "u", "n1")).toMatch(/^bj-[0-9a-f]{10}$/);
  });
  it("labels pods and sets a controller reference", () => {
    const p = buildJobPod(job(), "n1", { assignByScheduler: false });
    expect(p.metadata?.labels).toMatchObject({
      "broadcastjob-name": "bj",
      "broadcastjob-controller-uid": "uid-1",
    });
    expect(p.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: "BroadcastJob",
      controller: true,
      uid: "uid-1",
    });
    expect(p.spec?.nodeName).toBe("n1");
  });
});

describe("planBroadcastJob", () => {
  const nodes = [node("n1"), node("n2"), node("n3"), node("n4")];

  it("starts the job and creates one pod per eligible node, skipping tainted and unselected nodes", () => {
    const ns = [
      ...nodes,
      node("tainted", { taints: [{ key: "k", effect: "NoSchedule" }] }),
      node("cordoned", { unschedulable: true }),
    ];
    const plan = planBroadcastJob({ job: job(), pods: [], nodes: ns, now: NOW });
    expect(plan.started).toBe(true);
    expect(plan.createOn).toEqual(["n1", "n2", "n3", "n4"]);
    expect(plan.status).toMatchObject({
      phase: "running",
      desired: 4,
      active: 4,
      succeeded: 0,
      failed: 0,
      startTime: "2025-01-01T12:00:00Z",
    });
  });

  it.each([
    [2, 2],
    ["50%", 2],
    ["30%", 2], // 1.2 rounds up
    [undefined, 4],
  ])("parallelism %s allows %i pods at once", (parallelism, expected) => {
    const plan = planBroadcastJob({
      job: job(parallelism === undefined ? {} : { parallelism }),
      pods: [],
      nodes,
      now: NOW,
    });
    expect(plan.createOn).toHaveLength(expected);
  });

  it("counts active pods against parallelism", () => {
    const j = job({ parallelism: 2 }, { startTime: "2025-01-01T11:00:00Z", phase: "running" });
    const plan = planBroadcastJob({
      job: j,
      pods: [podOn(j, "n1", "Running"), podOn(j, "n2", "Succeeded")],
      nodes,
      now: NOW,
    });
    expect(plan.createOn).toEqual(["n3"]);
  });

  it("completes (Always) when every eligible node has a finished pod", () => {
    const j = job({}, { startTime: "2025-01-01T11:00:00Z", phase: "running" });
    const pods = nodes.map((n) => podOn(j, n.metadata!.name!, "Succeeded"));
    const plan = planBroadcastJob({ job: j, pods, nodes, now: NOW });
    expect(plan.status.phase).toBe("completed");
    expect(plan.status.conditions?.[0]).toMatchObject({ type: "Complete", status: "True" });
    expect(plan.finished?.result).toBe("Complete");
    expect(plan.events.map((e) => e.reason)).toContain("JobComplete");
  });

  it("never completes with Never, and covers a node that joins later", () => {
    const j = job(
      { completionPolicy: { type: "Never" } },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const pods = nodes.map((n) => podOn(j, n.metadata!.name!, "Succeeded"));
    const plan = planBroadcastJob({ job: j, pods, nodes: [...nodes, node("n5")], now: NOW });
    expect(plan.status.phase).toBe("running");
    expect(plan.createOn).toEqual(["n5"]);
    expect(plan.finished).toBeUndefined();
  });

  it("FailFast fails the job at the first failed pod and deletes active pods", () => {
    const j = job({}, { startTime: "2025-01-01T11:00:00Z", phase: "running" });
    const plan = planBroadcastJob({
      job: j,
      pods: [podOn(j, "n1", "Failed"), podOn(j, "n2", "Running")],
      nodes,
      now: NOW,
    });
    expect(plan.status).toMatchObject({ phase: "failed", failed: 2, active: 0 });
    expect(plan.deletePods).toHaveLength(1);
    expect(plan.createOn).toEqual([]);
    expect(plan.status.conditions?.[0]).toMatchObject({ type: "Failed", status: "True" });
  });

  it("Continue ignores failures", () => {
    const j = job(
      { failurePolicy: { type: "Continue" } },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const plan = planBroadcastJob({ job: j, pods: [podOn(j, "n1", "Failed")], nodes, now: NOW });
    expect(plan.status.phase).toBe("running");
    expect(plan.createOn).toEqual(["n2", "n3", "n4"]);
  });

  it("Pause pauses on a failed pod and creates nothing", () => {
    const j = job(
      { failurePolicy: { type: "Pause" } },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const plan = planBroadcastJob({ job: j, pods: [podOn(j, "n1", "Failed")], nodes, now: NOW });
    expect(plan.status.phase).toBe("paused");
    expect(plan.createOn).toEqual([]);
    expect(plan.events.map((e) => e.reason)).toEqual(["Paused"]);
  });

  it("restartLimit counts an OnFailure pod with too many restarts as failed", () => {
    const j = job(
      { failurePolicy: { type: "FailFast", restartLimit: 2 } },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const base = podOn(j, "n1", "Running");
    const p = podOn(j, "n1", "Running", {
      spec: { ...base.spec!, restartPolicy: "OnFailure" },
      status: {
        phase: "Running",
        containerStatuses: [{ name: "c", image: "i", imageID: "", ready: false, restartCount: 3 }],
      },
    });
    expect(planBroadcastJob({ job: j, pods: [p], nodes, now: NOW }).status.phase).toBe("failed");
  });

  it("spec.paused stops creating pods", () => {
    const plan = planBroadcastJob({ job: job({ paused: true }), pods: [], nodes, now: NOW });
    expect(plan.status.phase).toBe("paused");
    expect(plan.createOn).toEqual([]);
  });

  it("activeDeadlineSeconds: requeues at the deadline, then fails with DeadlineExceeded", () => {
    const j = job(
      { completionPolicy: { type: "Always", activeDeadlineSeconds: 30 } },
      { startTime: "2025-01-01T11:59:50Z", phase: "running" },
    );
    const before = planBroadcastJob({ job: j, pods: [podOn(j, "n1", "Running")], nodes, now: NOW });
    expect(before.requeueAfterMs).toBe(20_000);
    const after = planBroadcastJob({ job: j, pods: [podOn(j, "n1", "Running")], nodes, now: NOW + 20_000 });
    expect(after.status.phase).toBe("failed");
    expect(after.finished?.reason).toBe("DeadlineExceeded");
    expect(after.deletePods).toHaveLength(1);
  });

  it("ttlSecondsAfterFinished: requeues exactly at the TTL, then deletes the job", () => {
    const j = job(
      { completionPolicy: { type: "Always", ttlSecondsAfterFinished: 10 } },
      {
        phase: "completed",
        completionTime: "2025-01-01T12:00:00Z",
        conditions: [{ type: "Complete", status: "True" }],
      },
    );
    expect(planBroadcastJob({ job: j, pods: [], nodes, now: NOW + 4000 }).requeueAfterMs).toBe(6000);
    expect(planBroadcastJob({ job: j, pods: [], nodes, now: NOW + 10_000 }).deleteJob).toBe(true);
  });

  it("deletes a pod whose node no longer fits", () => {
    const j = job(
      {
        template: {
          spec: { nodeSelector: { role: "worker" }, restartPolicy: "Never", containers: [{ name: "c" }] },
        },
      },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const p = podOn(j, "n1", "Running");
    const plan = planBroadcastJob({
      job: j,
      pods: [p],
      nodes: [node("n1", { labels: { role: "db" } }), node("n2", { labels: { role: "worker" } })],
      now: NOW,
    });
    expect(plan.deletePods).toEqual([p.metadata!.name]);
    expect(plan.createOn).toEqual(["n2"]);
  });

  it("counts a pod deleted because its node stopped fitting as failed, and starts the next node at once", () => {
    // OpenKruise's deleteJobPods: failed + 1, active - 1, so parallelism 1 still starts n2 in this reconcile.
    const j = job(
      {
        parallelism: 1,
        template: {
          spec: { nodeSelector: { role: "worker" }, restartPolicy: "Never", containers: [{ name: "c" }] },
        },
      },
      { startTime: "2025-01-01T11:00:00Z", phase: "running" },
    );
    const p = podOn(j, "n1", "Running");
    const nodes = [node("n1", { labels: { role: "db" } }), node("n2", { labels: { role: "worker" } })];
    const plan = planBroadcastJob({ job: j, pods: [p], nodes, now: NOW });
    expect(plan.deletePods).toEqual([p.metadata!.name]);
    expect(plan.createOn).toEqual(["n2"]);
    expect(plan.status).toMatchObject({ active: 1, failed: 1, desired: 1 });
    // Once it is terminating it is not deleted again, and it still holds its node in desired (done, not active).
    const terminating = { ...p, metadata: { ...p.metadata, deletionTimestamp: "2025-01-01T12:00:00Z" } };
    const next = planBroadcastJob({ job: j, pods: [terminating], nodes, now: NOW });
    expect(next.deletePods).toEqual([]);
    expect(next.status).toMatchObject({ desired: 2, active: 1 });
  });

  it("a node without allocatable.pods, or too small once pod overhead counts, is not eligible", () => {
    const j = job({
      template: {
        spec: {
          restartPolicy: "Never",
          overhead: { cpu: "2" },
          containers: [{ name: "c", resources: { requests: { cpu: "31" } } }],
        },
      },
    });
    const noPods: Node = { ...node("n2"), status: { allocatable: { cpu: "64", memory: "1Gi" } } };
    const big: Node = { ...node("n3"), status: { allocatable: { cpu: "64", pods: "10" } } };
    const plan = planBroadcastJob({ job: j, pods: [], nodes: [node("n1"), noPods, big], now: NOW });
    expect(plan.createOn).toEqual(["n3"]);
    expect(plan.status.desired).toBe(1);
  });

  it("never completes with no eligible node", () => {
    const plan = planBroadcastJob({ job: job(), pods: [], nodes: [], now: NOW });
    expect(plan.status.phase).toBe("running");
    expect(plan.status.desired).toBe(0);
  });
});
