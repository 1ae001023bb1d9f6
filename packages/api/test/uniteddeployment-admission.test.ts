// UnitedDeployment admission through the real kubectl and apiserver (no webhook): what OpenKruise's webhook rejects
// (§5.3), a valid object stored with its defaults, one object read in both served versions, and the immutable
// subset placement.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl } from "./support/env.ts";

let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-ud");
});

const apply = (manifest: object): { status: number; stderr: string } =>
  kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest));

const zone = (z: string) => ({
  matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: [z] }],
});
const cloneSetTemplate = (labels: Record<string, string> = { app: "ud" }) => ({
  metadata: { labels },
  spec: {
    selector: { matchLabels: { app: "ud" } },
    template: { metadata: { labels }, spec: { containers: [{ name: "main", image: "nginx:1" }] } },
  },
});

function ud(name: string, spec: Record<string, unknown> = {}): object {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "ud" } },
      template: { cloneSetTemplate: cloneSetTemplate() },
      topology: { subsets: [{ name: "a", nodeSelectorTerm: zone("zone-a") }, { name: "b" }] },
      ...spec,
    },
  };
}

describe("UnitedDeployment admission", () => {
  it.each<[string, object, string]>([
    [
      "two templates",
      ud("two", {
        template: { cloneSetTemplate: cloneSetTemplate(), deploymentTemplate: cloneSetTemplate() },
      }),
      "set exactly one of template.statefulSetTemplate",
    ],
    [
      "a selector that does not select the template's pods",
      ud("mismatch", { template: { cloneSetTemplate: cloneSetTemplate({ app: "other" }) } }),
      "selector does not match template labels",
    ],
    [
      "replicas beside minReplicas",
      ud("mixed", { topology: { subsets: [{ name: "a", replicas: 1, minReplicas: 1 }] } }),
      "replicas cannot be combined with minReplicas or maxReplicas",
    ],
    [
      "a subset name that is no DNS label",
      ud("badname", { topology: { subsets: [{ name: "Zone_A" }] } }),
      "spec.topology.subsets[0].name",
    ],
    [
      "two subsets of one name",
      ud("dup", { topology: { subsets: [{ name: "a" }, { name: "a" }] } }),
      "Duplicate value",
    ],
    [
      "reserveUnschedulablePods with a StatefulSet template",
      ud("reserve-sts", {
        template: { statefulSetTemplate: cloneSetTemplate() },
        topology: {
          subsets: [{ name: "a" }, { name: "b" }],
          scheduleStrategy: { type: "Adaptive", adaptive: { reserveUnschedulablePods: true } },
        },
      }),
      "reserveUnschedulablePods is only supported with cloneSetTemplate or deploymentTemplate",
    ],
    [
      "a subset percentage above 100%",
      ud("pct", { topology: { subsets: [{ name: "a", replicas: "150%" }] } }),
      "spec.topology.subsets[0].replicas",
    ],
  ])("rejects %s", (_name, manifest, says) => {
    const result = apply(manifest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(says);
  });

  it("stores a valid one with its defaults, reads it in v1alpha1 and v1beta1, and keeps subset placement immutable", () => {
    expect(apply(ud("ok")).stderr).toBe("");
    const alpha = JSON.parse(
      kubectl(["get", "uniteddeployments.v1alpha1.apps.kruise.io", "ok", "-n", ns, "-o", "json"]).stdout,
    ) as { spec: Record<string, unknown> };
    const beta = JSON.parse(
      kubectl(["get", "uniteddeployments.v1beta1.apps.kruise.io", "ok", "-n", ns, "-o", "json"]).stdout,
    ) as { spec: Record<string, unknown>; apiVersion: string };
    expect(beta.apiVersion).toBe("apps.kruise.io/v1beta1");
    expect(beta.spec).toEqual(alpha.spec);
    expect(alpha.spec["revisionHistoryLimit"]).toBe(10);
    expect(alpha.spec["updateStrategy"]).toEqual({ type: "Manual" });

    const moved = apply(
      ud("ok", { topology: { subsets: [{ name: "a", nodeSelectorTerm: zone("zone-b") }, { name: "b" }] } }),
    );
    expect(moved.status).not.toBe(0);
    expect(moved.stderr).toContain("a subset's nodeSelectorTerm cannot change");
    // Adding a subset and changing replicas is fine.
    expect(
      apply(
        ud("ok", {
          replicas: 5,
          topology: {
            subsets: [{ name: "a", nodeSelectorTerm: zone("zone-a") }, { name: "b" }, { name: "c" }],
          },
        }),
      ).stderr,
    ).toBe("");
    expect(kubectl(["scale", "ud", "ok", "-n", ns, "--replicas=7"]).status).toBe(0);
  });
});
