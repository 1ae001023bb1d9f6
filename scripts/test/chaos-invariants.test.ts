// The chaos watcher's checks catch what they promise to catch (pure; no cluster).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Job } from "kubernetes-types/batch/v1.js";
import {
  advancedCronJobTarget,
  broadcastJobTarget,
  cloneSetTarget,
  daemonSetTarget,
  unitedDeploymentTarget,
} from "../chaos/targets.ts";
import type { CloneSet } from "@kruise/api";

const pod = (uid: string, labels: Record<string, string>, extra: Partial<Pod> = {}): Pod => ({
  metadata: { uid, labels, ...extra.metadata },
  ...(extra.spec ? { spec: extra.spec } : {}),
  status: { phase: "Running" },
});

describe("chaos invariants", () => {
  it("flags two live workloads for one UnitedDeployment subset, not one being deleted or someone else's", () => {
    const t = unitedDeploymentTarget();
    const cs = (
      name: string,
      subset: string,
      extra: { owner?: string; deleting?: boolean } = {},
    ): CloneSet => ({
      metadata: {
        name,
        labels: { "apps.kruise.io/subset-name": subset },
        ownerReferences: [
          {
            apiVersion: "apps.kruise.io/v1alpha1",
            kind: "UnitedDeployment",
            name: extra.owner ?? "chaos-ud",
            uid: "u",
          },
        ],
        ...(extra.deleting === true ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
      },
    });
    const fine = [cs("chaos-ud-a-1", "a"), cs("chaos-ud-b-1", "b"), cs("other-a-1", "a", { owner: "other" })];
    expect(t.check({ pods: [], jobs: [], cloneSets: fine })).toEqual([]);
    expect(
      t.check({ pods: [], jobs: [], cloneSets: [...fine, cs("chaos-ud-a-2", "a", { deleting: true })] }),
    ).toEqual([]);
    expect(t.check({ pods: [], jobs: [], cloneSets: [...fine, cs("chaos-ud-a-2", "a")] })).toEqual([
      "uniteddeployment: subset a has 2 workloads (chaos-ud-a-1, chaos-ud-a-2)",
    ]);
  });

  it("flags a CloneSet above replicas + maxSurge, and one slot with two live pods", () => {
    const t = cloneSetTarget(2, 1);
    const pods = ["a", "b", "c", "d"].map((id) =>
      pod(id, { app: "chaos-cs", "apps.kruise.io/cloneset-instance-id": id === "d" ? "c" : id }),
    );
    const problems = t.check({ pods, jobs: [] });
    expect(problems.some((p) => p.includes("4 live pods > replicas 2 + maxSurge 1"))).toBe(true);
    expect(problems.some((p) => p.includes("slot c has 2 live pods"))).toBe(true);
    expect(t.check({ pods: pods.slice(0, 3), jobs: [] })).toEqual([]);
  });

  it("flags a second pod of one BroadcastJob on one node, even after the first is gone", () => {
    const t = broadcastJobTarget();
    const on = (uid: string): Pod => ({
      metadata: {
        uid,
        ownerReferences: [
          { apiVersion: "apps.kruise.io/v1alpha1", kind: "BroadcastJob", name: "j", uid: "o" },
        ],
      },
      spec: { nodeName: "n1", containers: [] },
    });
    expect(t.check({ pods: [on("1")], jobs: [] })).toEqual([]);
    expect(t.check({ pods: [on("2")], jobs: [] })).toEqual(["broadcastjob: j ran 2 pods on n1"]);
  });

  it("flags a second Job for one schedule time", () => {
    const t = advancedCronJobTarget();
    const job = (uid: string): Job => ({
      metadata: {
        uid,
        name: "chaos-acj-100",
        ownerReferences: [
          { apiVersion: "apps.kruise.io/v1alpha1", kind: "AdvancedCronJob", name: "chaos-acj", uid: "o" },
        ],
      },
    });
    expect(t.check({ pods: [], jobs: [job("1")] })).toEqual([]);
    expect(t.check({ pods: [], jobs: [job("2")] })[0]).toMatch(/2 Jobs for schedule time/);
  });

  it("flags two live DaemonSet pods on one node", () => {
    const t = daemonSetTarget(3, 1);
    const on = (uid: string, node: string, step: string): Pod =>
      pod(
        uid,
        { app: "chaos-ads", "chaos.kruise.io/step": step },
        { spec: { nodeName: node, containers: [] } },
      );
    expect(t.check({ pods: [on("1", "n1", "1"), on("2", "n2", "1"), on("3", "n3", "0")], jobs: [] })).toEqual(
      [],
    );
    expect(t.check({ pods: [on("1", "n1", "0"), on("2", "n1", "1")], jobs: [] })).toEqual([
      "daemonset: 2 live pods on node n1",
    ]);
  });

  it("flags a pod whose DELETE the API server accepted twice, and a CloneSet below replicas - maxUnavailable", () => {
    const t = cloneSetTarget(3, 1, 1);
    const ready = (uid: string, isReady = true): Pod => ({
      ...pod(uid, { app: "chaos-cs", "apps.kruise.io/cloneset-instance-id": uid }),
      status: {
        phase: "Running",
        conditions: [{ type: "Ready", status: isReady ? "True" : "False" }],
      },
    });
    const del = (uid: string) => ({ namespace: "chaos", name: `chaos-cs-${uid}`, uid, by: "cloneset" });
    // Not armed until the floor (2 ready) is first reached: the first pods coming up are no dip.
    expect(t.check({ pods: [ready("a")], jobs: [] })).toEqual([]);
    expect(t.check({ pods: [ready("a"), ready("b"), ready("c")], jobs: [], deletes: [del("c")] })).toEqual(
      [],
    );
    expect(t.check({ pods: [ready("a"), ready("b"), ready("d", false)], jobs: [] })).toEqual([]);
    expect(t.check({ pods: [ready("a"), ready("b", false)], jobs: [], deletes: [del("c")] })).toEqual([
      "cloneset: pod chaos-cs-c (uid c) deleted 2 times",
      "cloneset: 1 ready pods < replicas 3 - maxUnavailable 1",
    ]);
  });

  it("flags a BroadcastJob pod deleted twice, and ignores pods of other controllers", () => {
    const t = broadcastJobTarget();
    const del = (name: string, uid: string) => ({ namespace: "chaos", name, uid, by: "x" });
    expect(
      t.check({ pods: [], jobs: [], deletes: [del("chaos-bcj-1-abc", "u1"), del("other-1", "u2")] }),
    ).toEqual([]);
    expect(t.check({ pods: [], jobs: [], deletes: [del("other-1", "u2")] })).toEqual([]);
    expect(t.check({ pods: [], jobs: [], deletes: [del("chaos-bcj-1-abc", "u1")] })).toEqual([
      "broadcastjob: pod chaos-bcj-1-abc (uid u1) deleted 2 times",
    ]);
  });
});
