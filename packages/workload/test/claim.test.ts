// Pure release decision, table-driven: Kubernetes' ClaimPods for pods we already control (no adoption).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { podsToRelease } from "../src/index.ts";

const OURS = "uid-cs";

function pod(
  name: string,
  labels: Record<string, string>,
  owner?: { uid: string; controller?: boolean },
): Pod {
  return {
    metadata: {
      name,
      labels,
      ...(owner
        ? {
            ownerReferences: [
              {
                apiVersion: "apps.kruise.io/v1alpha1",
                kind: "CloneSet",
                name: "cs",
                uid: owner.uid,
                ...(owner.controller === false ? {} : { controller: true }),
              },
            ],
          }
        : {}),
    },
    spec: { containers: [] },
  };
}

const sel: LabelSelector = { matchLabels: { app: "x" } };

describe("podsToRelease", () => {
  const rows: Array<{ name: string; selector?: LabelSelector; owner?: string; pods: Pod[]; want: string[] }> =
    [
      {
        name: "matching owned pods stay",
        pods: [pod("a", { app: "x" }, { uid: OURS }), pod("b", { app: "x", extra: "1" }, { uid: OURS })],
        want: [],
      },
      {
        name: "owned pod relabelled out is released",
        pods: [pod("a", { app: "x" }, { uid: OURS }), pod("b", { app: "y" }, { uid: OURS })],
        want: ["b"],
      },
      {
        name: "owned pod with the label removed is released",
        pods: [pod("a", {}, { uid: OURS })],
        want: ["a"],
      },
      { name: "orphans are never touched", pods: [pod("a", { app: "y" }), pod("b", { app: "x" })], want: [] },
      {
        name: "another controller's pods are never touched",
        pods: [pod("a", { app: "y" }, { uid: "other" })],
        want: [],
      },
      {
        name: "a non-controller reference to us is not ours to release",
        pods: [pod("a", { app: "y" }, { uid: OURS, controller: false })],
        want: [],
      },
      {
        name: "matchExpressions: NotIn excludes the pod",
        selector: {
          matchLabels: { app: "x" },
          matchExpressions: [{ key: "tier", operator: "NotIn", values: ["canary"] }],
        },
        pods: [pod("a", { app: "x", tier: "canary" }, { uid: OURS }), pod("b", { app: "x" }, { uid: OURS })],
        want: ["a"],
      },
      {
        name: "an unparsable selector releases nothing",
        selector: { matchLabels: { app: "x" }, matchExpressions: [{ key: "tier", operator: "Bogus" }] },
        pods: [pod("a", { app: "y" }, { uid: OURS })],
        want: [],
      },
      {
        name: "In without values is unparsable: releases nothing",
        selector: { matchExpressions: [{ key: "app", operator: "In", values: [] }] },
        pods: [pod("a", { app: "y" }, { uid: OURS })],
        want: [],
      },
      {
        name: "no owner UID releases nothing",
        owner: "",
        pods: [pod("a", { app: "y" }, { uid: "" })],
        want: [],
      },
    ];
  for (const row of rows) {
    it(row.name, () => {
      const got = podsToRelease(row.selector ?? sel, row.owner ?? OURS, row.pods).map(
        (p) => p.metadata?.name,
      );
      expect(got).toEqual(row.want);
    });
  }
});
