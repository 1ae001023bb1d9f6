// Advanced DaemonSet admission through the real kubectl and apiserver: what OpenKruise's webhook rejects, what it
// accepts, both served versions reading one stored object, and which spec fields may change after creation.
import { beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl } from "./support/env.ts";
import { daemonSet } from "./support/manifests.ts";

let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-daemonset");
});

function apply(manifest: object): { status: number; stderr: string } {
  return kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(manifest));
}

function getJson(resource: string, name: string): { spec: Record<string, unknown>; apiVersion: string } {
  const r = kubectl(["get", resource, name, "-n", ns, "-o", "json"]);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { spec: Record<string, unknown>; apiVersion: string };
}

const v1beta1 = (manifest: Record<string, unknown>): Record<string, unknown> => ({
  ...manifest,
  apiVersion: "apps.kruise.io/v1beta1",
});

describe("DaemonSet admission", () => {
  it.each<[string, object, string, string]>([
    [
      "maxUnavailable and maxSurge both non-zero",
      daemonSet("ads-both", { updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" } } }),
      "spec.updateStrategy.rollingUpdate.maxSurge",
      "exactly one of them is non-zero",
    ],
    [
      "maxUnavailable above 100%",
      daemonSet("ads-pct", { updateStrategy: { rollingUpdate: { maxUnavailable: "101%" } } }),
      "spec.updateStrategy.rollingUpdate.maxUnavailable",
      "greater than 100%",
    ],
    [
      "Surging with a non-zero maxUnavailable",
      daemonSet("ads-surging", {
        updateStrategy: { rollingUpdate: { rollingUpdateType: "Surging", maxUnavailable: 1 } },
      }),
      "spec.updateStrategy.rollingUpdate.maxUnavailable",
      "must be 0 with rollingUpdateType Surging",
    ],
    [
      "an inPlaceUpdate lifecycle hook",
      daemonSet("ads-hook", { lifecycle: { inPlaceUpdate: { labelsHandler: { hold: "true" } } } }),
      "spec.lifecycle.inPlaceUpdate",
      "not supported by DaemonSet",
    ],
    [
      "an unknown rollingUpdateType (v1beta1)",
      v1beta1(daemonSet("ads-type", { updateStrategy: { rollingUpdate: { rollingUpdateType: "Fast" } } })),
      "spec.updateStrategy.rollingUpdate.rollingUpdateType",
      "Unsupported value",
    ],
  ])("rejects %s", (_name, manifest, field, says) => {
    const result = apply(manifest);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(field);
    expect(result.stderr).toContain(says);
  });

  it("accepts Surging alone and a maxSurge-only rolling update, stored as written", () => {
    expect(
      apply(
        daemonSet("ads-surging-ok", { updateStrategy: { rollingUpdate: { rollingUpdateType: "Surging" } } }),
      ).stderr,
    ).toBe("");
    expect(
      apply(daemonSet("ads-surge-ok", { updateStrategy: { rollingUpdate: { maxSurge: "20%" } } })).stderr,
    ).toBe("");
    const stored = getJson("daemonsets.v1alpha1.apps.kruise.io", "ads-surging-ok").spec;
    expect(stored.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { rollingUpdateType: "Surging", partition: 0 },
    });
    expect(stored.burstReplicas).toBe(250);
    expect(stored.revisionHistoryLimit).toBe(10);
  });

  it("serves one stored object in both versions: v1beta1 scaleStrategy.partitionedScaling reads back in v1alpha1", () => {
    const manifest = v1beta1(
      daemonSet("ads-beta", {
        scaleStrategy: { partitionedScaling: true },
        updateStrategy: { rollingUpdate: { partition: 2 } },
      }),
    );
    expect(apply(manifest).stderr).toBe("");
    const alpha = getJson("daemonsets.v1alpha1.apps.kruise.io", "ads-beta");
    const beta = getJson("daemonsets.v1beta1.apps.kruise.io", "ads-beta");
    expect(alpha.apiVersion).toBe("apps.kruise.io/v1alpha1");
    expect(beta.apiVersion).toBe("apps.kruise.io/v1beta1");
    expect(alpha.spec).toEqual(beta.spec);
    expect(alpha.spec.scaleStrategy).toEqual({ partitionedScaling: true });
  });

  it("lets every spec field but the selector change after creation", () => {
    expect(apply(daemonSet("ads-mutable")).stderr).toBe("");
    const changed = apply(
      daemonSet("ads-mutable", {
        burstReplicas: "50%",
        minReadySeconds: 5,
        revisionHistoryLimit: 3,
        lifecycle: { preDelete: { finalizersHandler: ["example.com/hold"] } },
        scaleStrategy: { partitionedScaling: true },
        updateStrategy: { type: "OnDelete" },
        template: {
          metadata: { labels: { app: "ads-mutable" } },
          spec: { containers: [{ name: "main", image: "nginx:1.27-alpine" }] },
        },
      }),
    );
    expect(changed.stderr).toBe("");
    const selector = apply(
      daemonSet("ads-mutable", {
        selector: { matchLabels: { app: "ads-mutable", tier: "x" } },
        template: {
          metadata: { labels: { app: "ads-mutable", tier: "x" } },
          spec: { containers: [{ name: "main", image: "nginx:1.27-alpine" }] },
        },
      }),
    );
    expect(selector.status).not.toBe(0);
    expect(selector.stderr).toContain("spec.selector");
  });

  it("prints DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE and AGE, and the containers and images with -o wide", () => {
    expect(apply(daemonSet("ads-columns")).stderr).toBe("");
    const wide = kubectl(["get", "ads", "ads-columns", "-n", ns, "-o", "wide"]);
    expect(wide.stdout.split("\n")[0]?.split(/\s+/).filter(Boolean)).toEqual([
      "NAME",
      "DESIRED",
      "CURRENT",
      "READY",
      "UP-TO-DATE",
      "AVAILABLE",
      "AGE",
      "CONTAINERS",
      "IMAGES",
    ]);
    expect(wide.stdout).toContain("nginx:1.25-alpine");
  });
});
