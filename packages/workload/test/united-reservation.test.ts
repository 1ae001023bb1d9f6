// Reserve mode of adaptive scheduling (reserveUnschedulablePods): which pods are reserved, which labels are written,
// and how the status counts them (OpenKruise's calculateSubsetsStatusForReservedAdaptiveStrategy and calculateStatus).
import type { Pod } from "kubernetes-types/core/v1.js";
import { formatKubeTime } from "@kruise/sdk";
import { describe, expect, it } from "vitest";
import { calculateUnitedStatus, classifyReservedPods, type SubsetView } from "../src/index.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");
const ago = (s: number): string => formatKubeTime(NOW - s * 1000);
const REV = "web-abc";

function pod(
  name: string,
  state: "pending" | "running" | "unready",
  opts: {
    reserved?: string;
    createdAgo?: number;
    readyAgo?: number;
    revision?: string;
    deleting?: boolean;
  } = {},
): Pod {
  const labels: Record<string, string> = { "apps.kruise.io/controller-revision-hash": opts.revision ?? REV };
  if (opts.reserved !== undefined) labels["apps.kruise.io/united-deployment-reserved-pod"] = opts.reserved;
  return {
    metadata: {
      name,
      labels,
      creationTimestamp: ago(opts.createdAgo ?? 100),
      ...(opts.deleting === true ? { deletionTimestamp: ago(1) } : {}),
    },
    spec: { containers: [], ...(state === "pending" ? {} : { nodeName: "n1" }) },
    status:
      state === "pending"
        ? {
            phase: "Pending",
            conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
          }
        : {
            phase: "Running",
            conditions: [
              {
                type: "Ready",
                status: state === "running" ? "True" : "False",
                lastTransitionTime: ago(opts.readyAgo ?? 100),
              },
            ],
          },
  };
}

const classify = (pods: Pod[], markedUnschedulable = false) =>
  classifyReservedPods({
    pods,
    markedUnschedulable,
    updatedRevision: REV,
    criticalMs: 10_000,
    unschedulableMs: 30_000,
    now: NOW,
  });

describe("which pods are reserved", () => {
  it.each([
    [
      "a pod pending beyond rescheduleCriticalSeconds becomes reserved",
      pod("p", "pending"),
      false,
      true,
      true,
    ],
    ["a pod pending for less stays normal", pod("p", "pending", { createdAgo: 4 }), false, false, true],
    ["a running pod is normal", pod("p", "running"), false, false, true],
    [
      "a pod created in a subset marked unschedulable is reserved at once",
      pod("p", "running"),
      true,
      true,
      true,
    ],
    [
      "a reserved pod Ready for unschedulableLastSeconds is released",
      pod("p", "running", { reserved: "true", readyAgo: 31 }),
      true,
      false,
      true,
    ],
    [
      "a reserved pod Ready for less stays reserved",
      pod("p", "running", { reserved: "true", readyAgo: 5 }),
      true,
      true,
      false,
    ],
    [
      "a reserved pod of an older revision stays reserved",
      pod("p", "running", { reserved: "true", readyAgo: 100, revision: "web-old" }),
      false,
      true,
      false,
    ],
    [
      "a reserved pod not Ready stays reserved",
      pod("p", "unready", { reserved: "true" }),
      false,
      true,
      false,
    ],
    [
      "a pod labelled normal that now waits too long becomes reserved",
      pod("p", "pending", { reserved: "false" }),
      true,
      true,
      true,
    ],
    [
      "a pod labelled normal that runs writes nothing",
      pod("p", "running", { reserved: "false" }),
      false,
      false,
      false,
    ],
  ] as const)("%s", (_name, p, marked, reserved, writes) => {
    const got = classify([p], marked);
    expect(got.reserved).toBe(reserved ? 1 : 0);
    expect(got.normal).toBe(reserved ? 0 : 1);
    expect(got.labels).toEqual(writes ? [{ pod: "p", reserved }] : []);
  });

  it("skips terminating pods and says when to look again", () => {
    const got = classify([
      pod("gone", "pending", { deleting: true }),
      pod("young", "pending", { createdAgo: 4 }),
      pod("warming", "running", { reserved: "true", readyAgo: 20 }),
    ]);
    expect(got.reserved + got.normal).toBe(2);
    // young times out in 6 s, warming is released in 10 s.
    expect(got.checkAfterMs).toBe(6_000);
  });

  it("a moment that has come is never left to a requeue of 0 ms: a reserved pod Ready exactly that long is released", () => {
    // The boundary once kept the pod reserved and asked for no requeue (0 ms was dropped), so nothing woke the
    // UnitedDeployment to release it.
    const got = classify([pod("p", "running", { reserved: "true", readyAgo: 30 })], true);
    expect(got).toMatchObject({ reserved: 0, labels: [{ pod: "p", reserved: false }] });
    const waiting = classify([pod("w", "pending", { createdAgo: 10 })]);
    expect(waiting).toMatchObject({ reserved: 1, labels: [{ pod: "w", reserved: true }] });
  });

  it("a converged subset writes no label", () => {
    const pods = [pod("a", "running", { reserved: "false" }), pod("b", "pending", { reserved: "true" })];
    expect(classify(pods, true).labels).toEqual([]);
  });
});

describe("status in reserve mode", () => {
  const view = (replicas: number, ready: number): SubsetView =>
    ({
      type: "CloneSet",
      name: "x",
      specReplicas: replicas,
      statusReplicas: replicas,
      statusReadyReplicas: ready,
      updatedReplicas: replicas,
      updatedReadyReplicas: ready,
      revision: REV,
    }) as unknown as SubsetView;

  it("leaves reserved pods out of replicas and reports them in total and per subset", () => {
    const status = calculateUnitedStatus({
      previous: undefined,
      generation: 1,
      subsetNames: ["a", "b"],
      subsets: new Map([
        ["a", view(3, 1)],
        ["b", view(2, 2)],
      ]),
      nextReplicas: { a: 3, b: 2 },
      nextPartitions: { a: 0, b: 0 },
      currentRevision: REV,
      updatedRevision: REV,
      collisionCount: 0,
      labelSelector: "app=web,apps.kruise.io/united-deployment-reserved-pod=false",
      conditions: undefined,
      reservedPods: new Map([
        ["a", 2],
        ["b", 0],
      ]),
    });
    expect(status.replicas).toBe(3);
    expect(status.reservedPods).toBe(2);
    expect(status.subsetStatuses?.map((s) => s.reservedPods)).toEqual([2, 0]);
  });
});
