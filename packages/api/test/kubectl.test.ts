// kubectl get, explain and scale behave as they do with OpenKruise's CRDs.
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl, type KubectlResult } from "./support/env.ts";
import { cloneSet } from "./support/manifests.ts";

let ns: string;

beforeAll(async () => {
  ns = await createTestNamespace("api-kubectl");
  const r = kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(cloneSet("web")));
  if (r.status !== 0) throw new Error(r.stderr);
  const sts = {
    apiVersion: "apps.kruise.io/v1beta1",
    kind: "StatefulSet",
    metadata: { name: "db" },
    spec: {
      replicas: 2,
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: { containers: [{ name: "main", image: "redis:7" }] },
      },
    },
  };
  const s = kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(sts));
  if (s.status !== 0) throw new Error(s.stderr);
});

/** kubectl explain reads the published OpenAPI, which lags a new CRD by a moment: retry for a while. */
async function explain(path: string, ...flags: string[]): Promise<KubectlResult> {
  let last: KubectlResult = { status: 1, stdout: "", stderr: "not run" };
  for (let attempt = 0; attempt < 60; attempt++) {
    last = kubectl(["explain", ...flags, path]);
    if (last.status === 0) return last;
    await sleep(500);
  }
  return last;
}

describe("kubectl", () => {
  it("get cloneset prints OpenKruise's columns", () => {
    const r = kubectl(["get", "cloneset", "web", "-n", ns]);
    expect(r.stdout.split("\n")[0]?.split(/\s+/)).toEqual([
      "NAME",
      "DESIRED",
      "UPDATED",
      "UPDATED_READY",
      "UPDATED_AVAILABLE",
      "READY",
      "TOTAL",
      "AGE",
    ]);
    expect(r.stdout).toMatch(/^web\s+3\s/m);
  });

  it("get cloneset -o wide adds CONTAINERS, IMAGES and SELECTOR; the short name clone works", () => {
    const r = kubectl(["get", "clone", "web", "-n", ns, "-o", "wide"]);
    expect(r.stdout.split("\n")[0]).toMatch(/AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/);
    expect(r.stdout).toContain("nginx:1.25-alpine");
  });

  // kubectl's preferred version of the group is v1beta1, as with OpenKruise: v1alpha1 fields need --api-version.
  it("explain --api-version=apps.kruise.io/v1alpha1 cloneset.spec.updateStrategy.type prints the field's description", async () => {
    const r = await explain("cloneset.spec.updateStrategy.type", "--api-version=apps.kruise.io/v1alpha1");
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("InPlaceIfPossible");
    // kubectl wraps descriptions at 80 columns.
    expect(r.stdout.replace(/\s+/g, " ")).toContain("recreates it otherwise");
  });

  it("explain cloneset.spec.updateStrategy.rollingUpdate.podUpdatePolicy (v1beta1) prints the field's description", async () => {
    const r = await explain("cloneset.spec.updateStrategy.rollingUpdate.podUpdatePolicy");
    expect(r.stderr).toBe("");
    expect(r.stdout.replace(/\s+/g, " ")).toContain("v1alpha1: updateStrategy.type");
  });

  it("explain cloneset.spec.updateStrategy.inPlaceUpdateStrategy (v1alpha1) prints the field's description", async () => {
    const r = await explain(
      "cloneset.spec.updateStrategy.inPlaceUpdateStrategy",
      "--api-version=apps.kruise.io/v1alpha1",
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Settings for in-place updates");
    expect(r.stdout).toContain("gracePeriodSeconds");
  });

  it("scale cloneset updates spec.replicas through the scale subresource", () => {
    const scaled = kubectl(["scale", "cloneset", "web", "-n", ns, "--replicas=5"]);
    expect(scaled.stderr).toBe("");
    const r = kubectl(["get", "cloneset", "web", "-n", ns, "-o", "jsonpath={.spec.replicas}"]);
    expect(r.stdout).toBe("5");
  });

  it("get asts prints OpenKruise's Advanced StatefulSet columns, -o wide adds CONTAINERS and IMAGES", () => {
    const r = kubectl(["get", "asts", "db", "-n", ns]);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n")[0]?.split(/\s+/)).toEqual([
      "NAME",
      "DESIRED",
      "CURRENT",
      "UPDATED",
      "READY",
      "AGE",
    ]);
    expect(r.stdout).toMatch(/^db\s+2\s/m);
    const wide = kubectl(["get", "statefulsets.apps.kruise.io", "db", "-n", ns, "-o", "wide"]);
    expect(wide.stdout.split("\n")[0]).toMatch(/AGE\s+CONTAINERS\s+IMAGES$/);
    expect(wide.stdout).toContain("redis:7");
  });

  it("scale asts updates spec.replicas through the scale subresource", () => {
    expect(kubectl(["scale", "asts", "db", "-n", ns, "--replicas=4"]).stderr).toBe("");
    expect(kubectl(["get", "asts", "db", "-n", ns, "-o", "jsonpath={.spec.replicas}"]).stdout).toBe("4");
  });

  it("get kruise lists Kruise objects through the category", () => {
    const r = kubectl(["get", "kruise", "-n", ns]);
    expect(r.stdout).toContain("cloneset.apps.kruise.io/web");
  });
  it("ImagePullJob and NodeImage are served as v1alpha1 and v1beta1 with the same fields, and print OpenKruise's columns", () => {
    const job = {
      apiVersion: "apps.kruise.io/v1beta1",
      kind: "ImagePullJob",
      metadata: { name: "warm" },
      spec: { image: "nginx:1.25", selector: { names: ["nowhere"] }, parallelism: 2 },
    };
    const a = kubectl(["apply", "-n", ns, "-f", "-"], JSON.stringify(job));
    expect(a.stderr).toBe("");
    const alpha = JSON.parse(
      kubectl(["get", "imagepulljobs.v1alpha1.apps.kruise.io", "warm", "-n", ns, "-o", "json"]).stdout,
    ) as { apiVersion: string; spec: Record<string, unknown> };
    expect(alpha.apiVersion).toBe("apps.kruise.io/v1alpha1");
    expect(alpha.spec).toMatchObject({
      image: "nginx:1.25",
      parallelism: 2,
      selector: { names: ["nowhere"] },
    });
    const get = kubectl(["get", "imagepulljob", "warm", "-n", ns]);
    expect(get.stdout.split("\n")[0]?.split(/\s+/)).toEqual([
      "NAME",
      "TOTAL",
      "ACTIVE",
      "SUCCEED",
      "FAILED",
      "AGE",
      "MESSAGE",
    ]);
    const head = kubectl(["get", "nodeimages.v1beta1.apps.kruise.io"]);
    expect(head.status).toBe(0);
    expect(
      head.stdout === "" ||
        head.stdout.split("\n")[0]?.split(/\s+/).join(" ") === "NAME DESIRED PULLING SUCCEED FAILED AGE",
    ).toBe(true);
  });
});
