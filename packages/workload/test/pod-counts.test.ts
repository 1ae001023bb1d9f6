import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { countWorkloadPods, type PodCountRules } from "../src/status/pod-counts.ts";
import { pod } from "./helpers.ts";

// The one loop every workload's status counts go through; the kind says what ready, available and counted mean.

const ready: PodCountRules = {
  isReady: (p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
  isAvailable: (_p, isReady) => isReady,
};
const created = (p: Pod) => p.status?.phase !== undefined;

describe("countWorkloadPods", () => {
  const pods = [
    pod({ revision: "web-v1", ready: true }),
    pod({ revision: "web-v2", ready: true }),
    pod({ revision: "web-v2" }),
    pod({ revision: "web-v3", ready: true }),
  ];
  it.each([
    {
      name: "every pod counts at its revision",
      rules: ready,
      want: { ready: 3, available: 3, current: 1, updated: 2, updatedReady: 1, updatedAvailable: 1 },
    },
    {
      name: "pods the kind does not count at a revision still count ready and available",
      rules: { ...ready, hasRevision: created },
      want: { ready: 3, available: 3, current: 1, updated: 1, updatedReady: 1, updatedAvailable: 1 },
    },
    {
      name: "available is the kind's, given readiness",
      rules: { ...ready, isAvailable: () => false },
      want: { ready: 3, available: 0, current: 1, updated: 2, updatedReady: 1, updatedAvailable: 0 },
    },
  ])("$name", ({ rules, want }) => {
    expect(countWorkloadPods(pods, { current: "web-v1", update: "web-v2" }, rules)).toEqual(want);
  });

  it("no pods: all zero", () => {
    expect(countWorkloadPods([], { current: "a", update: "b" }, ready)).toEqual({
      ready: 0,
      available: 0,
      current: 0,
      updated: 0,
      updatedReady: 0,
      updatedAvailable: 0,
    });
  });
});
