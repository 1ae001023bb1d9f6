// Node eligibility, as OpenKruise's BroadcastJob and DaemonSet controllers check it themselves (table-driven).
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1.js";
import { bindToNode, checkNodeEligibility } from "../src/index.ts";
import { node } from "./helpers.ts";

describe("node eligibility", () => {
  const pod = (spec: Partial<NonNullable<Pod["spec"]>>): Pod => ({
    spec: { containers: [{ name: "c" }], ...spec },
  });
  it.each([
    ["plain node", pod({}), node("n1"), undefined],
    [
      "nodeSelector match",
      pod({ nodeSelector: { zone: "a" } }),
      node("n1", { labels: { zone: "a" } }),
      undefined,
    ],
    [
      "nodeSelector mismatch",
      pod({ nodeSelector: { zone: "a" } }),
      node("n1", { labels: { zone: "b" } }),
      "NodeAffinity",
    ],
    [
      "affinity In",
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] },
              ],
            },
          },
        },
      }),
      node("n1", { labels: { zone: "b" } }),
      undefined,
    ],
    [
      "affinity NotIn",
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["b"] }] }],
            },
          },
        },
      }),
      node("n1", { labels: { zone: "b" } }),
      "NodeAffinity",
    ],
    [
      "affinity Gt",
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: "gpus", operator: "Gt", values: ["2"] }] }],
            },
          },
        },
      }),
      node("n1", { labels: { gpus: "4" } }),
      undefined,
    ],
    ["matchFields name", pod({ affinity: bindToNode(undefined, "n2") }), node("n1"), "NodeAffinity"],
    ["matchFields own name", pod({ affinity: bindToNode(undefined, "n1") }), node("n1"), undefined],
    [
      "NoSchedule taint",
      pod({}),
      node("n1", { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }),
      "Taint",
    ],
    ["NoExecute taint", pod({}), node("n1", { taints: [{ key: "k", effect: "NoExecute" }] }), "Taint"],
    [
      "PreferNoSchedule taint",
      pod({}),
      node("n1", { taints: [{ key: "k", effect: "PreferNoSchedule" }] }),
      undefined,
    ],
    [
      "tolerated taint (Equal)",
      pod({ tolerations: [{ key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" }] }),
      node("n1", { taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }] }),
      undefined,
    ],
    [
      "tolerate-all (Exists, no key)",
      pod({ tolerations: [{ operator: "Exists" }] }),
      node("n1", { taints: [{ key: "x", effect: "NoExecute" }] }),
      undefined,
    ],
    ["unschedulable", pod({}), node("n1", { unschedulable: true }), "Unschedulable"],
    [
      "unschedulable tolerated",
      pod({
        tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
      }),
      node("n1", { unschedulable: true }),
      undefined,
    ],
    [
      "too much cpu",
      pod({ containers: [{ name: "c", resources: { requests: { cpu: "64" } } }] }),
      node("n1"),
      "InsufficientResources",
    ],
    [
      "fits memory",
      pod({ containers: [{ name: "c", resources: { requests: { memory: "1Gi", cpu: "500m" } } }] }),
      node("n1"),
      undefined,
    ],
    // noderesources.Fits: a node without allocatable.pods has room for no pod; overhead adds to the requests.
    [
      "no allocatable.pods",
      pod({}),
      { ...node("n1"), status: { allocatable: { cpu: "32" } } },
      "InsufficientResources",
    ],
    [
      "allocatable.pods 0",
      pod({}),
      { ...node("n1"), status: { allocatable: { pods: "0" } } },
      "InsufficientResources",
    ],
    [
      "requests fit, requests + overhead do not",
      pod({ containers: [{ name: "c", resources: { requests: { cpu: "31" } } }], overhead: { cpu: "2" } }),
      node("n1"),
      "InsufficientResources",
    ],
    [
      "requests + overhead fit",
      pod({ containers: [{ name: "c", resources: { requests: { cpu: "30" } } }], overhead: { cpu: "2" } }),
      node("n1"),
      undefined,
    ],
  ])("%s", (_name, p, n, reason) => {
    expect(checkNodeEligibility(p, n)?.reason).toBe(reason);
  });
});
