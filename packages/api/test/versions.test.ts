// Both served versions of every kind, against the real apiserver: the v1beta1 examples (OpenKruise 1.9 users'
// YAML) apply unchanged and read back in both versions; kinds whose versions are the same fields never name a
// conversion webhook.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDefaults, convertKruiseObject, crdSources, GROUP } from "../src/index.ts";
import { createTestNamespace } from "@kruise/testenv/vitest";
import { kubectl, repoRoot, waitCrdsEstablished } from "./support/env.ts";

interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
}

const v1beta1Dir = join(repoRoot, "examples", "v1beta1");
const v1beta1Files = readdirSync(v1beta1Dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort();

/** Kinds whose two versions are the same fields: the apiserver converts by rewriting apiVersion. */
const IDENTICAL = ["BroadcastJob", "AdvancedCronJob", "ImagePullJob", "NodeImage"];

let ns: string;
const clusterScoped: string[] = [];

beforeAll(async () => {
  ns = await createTestNamespace("api-versions");
  await waitCrdsEstablished();
});
afterAll(() => {
  for (const ref of clusterScoped) kubectl(["delete", ref, "--ignore-not-found", "--wait=false"]);
});

function inTestNamespace(text: string): string {
  return text.replace(/^(\s+)namespace: default$/m, `$1namespace: ${ns}`);
}

function source(kind: string) {
  const s = crdSources.find((c) => c.kind === kind);
  if (!s) throw new Error(`no CRD source for ${kind}`);
  return s;
}

function readAs(obj: KubeObject, version: string): KubeObject {
  const s = source(obj.kind);
  const args = ["get", `${s.plural}.${version}.${GROUP}`, obj.metadata.name, "-o", "json"];
  const r = kubectl(s.scope === "Namespaced" ? [...args, "-n", ns] : args);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as KubeObject;
}

describe("CRD versions", () => {
  it.each(IDENTICAL)("%s serves v1alpha1 and v1beta1 with conversion None", (kind) => {
    const r = kubectl(["get", "crd", `${source(kind).plural}.${GROUP}`, "-o", "json"]);
    expect(r.stderr).toBe("");
    const crd = JSON.parse(r.stdout) as {
      spec: { versions: { name: string; served: boolean }[]; conversion: { strategy: string } };
    };
    expect(crd.spec.versions.filter((v) => v.served).map((v) => v.name)).toEqual(["v1alpha1", "v1beta1"]);
    expect(crd.spec.conversion.strategy).toBe("None");
  });
});

describe("CloneSet across versions (conversion webhook)", () => {
  it("converts by webhook, which the test environment runs", () => {
    const r = kubectl(["get", "crd", `clonesets.${GROUP}`, "-o", "jsonpath={.spec.conversion.strategy}"]);
    expect(r.stdout).toBe("Webhook");
  });

  it("created as v1alpha1, reads as v1beta1 with type, podUpdatePolicy, enablePVCReuse and pre-download fields", () => {
    const name = "alpha-to-beta";
    const manifest = {
      apiVersion: `${GROUP}/v1alpha1`,
      kind: "CloneSet",
      metadata: {
        name,
        namespace: ns,
        annotations: {
          "apps.kruise.io/image-predownload-parallelism": "3",
          "apps.kruise.io/image-predownload-min-updated-ready-pods": "1",
        },
        labels: { "apps.kruise.io/cloneset-scaling-exclude-preparing-delete": "true" },
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
        updateStrategy: {
          type: "InPlaceOnly",
          partition: 1,
          inPlaceUpdateStrategy: { gracePeriodSeconds: 5 },
        },
      },
    };
    expect(kubectl(["apply", "-f", "-"], JSON.stringify(manifest)).stderr).toBe("");
    const beta = readAs(manifest, "v1beta1") as KubeObject & { spec: Record<string, unknown> };
    expect(beta.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(beta.spec.updateStrategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: {
        podUpdatePolicy: "InPlaceOnly",
        partition: 1,
        maxUnavailable: "20%",
        maxSurge: 0,
        inPlaceUpdateStrategy: {
          gracePeriodSeconds: 5,
          imagePreDownloadParallelism: 3,
          imagePreDownloadMinUpdatedReadyPods: 1,
        },
      },
    });
    expect(beta.spec.scaleStrategy).toEqual({ enablePVCReuse: true, excludePreparingDelete: true });
    // Written back through v1beta1, it is the same v1alpha1 object.
    const before = readAs(manifest, "v1alpha1");
    expect(kubectl(["replace", "-f", "-"], JSON.stringify(beta)).stderr).toBe("");
    const after = readAs(manifest, "v1alpha1") as KubeObject & { metadata: Record<string, unknown> };
    expect(after.spec).toEqual(before.spec);
    // (less kubectl's own record of the last apply, which replace rewrites)
    const ours = (o: KubeObject) => {
      const { "kubectl.kubernetes.io/last-applied-configuration": _kubectl, ...rest } = (o as typeof after)
        .metadata.annotations as Record<string, string>;
      return rest;
    };
    expect(ours(after)).toEqual(ours(before));
  });

  it("created as v1beta1, reads as v1alpha1 with the type, disablePVCReuse, label and annotations", () => {
    const text = inTestNamespace(readFileSync(join(v1beta1Dir, "cloneset.yaml"), "utf8")).replace(
      /^(\s+)name: sample-cloneset-v1beta1$/m,
      "$1name: beta-to-alpha",
    );
    const obj = parse(text) as KubeObject;
    expect(kubectl(["apply", "-f", "-"], text).stderr).toBe("");
    const alpha = readAs(obj, "v1alpha1") as KubeObject & {
      metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec: Record<string, unknown>;
    };
    expect(alpha.spec.updateStrategy).toEqual({
      type: "InPlaceIfPossible",
      partition: 0,
      maxUnavailable: 1,
      maxSurge: 0,
      inPlaceUpdateStrategy: { gracePeriodSeconds: 10 },
    });
    expect(alpha.spec.scaleStrategy).toEqual({});
    expect(alpha.metadata.labels?.["apps.kruise.io/cloneset-scaling-exclude-preparing-delete"]).toBe("true");
    expect(alpha.metadata.annotations).toMatchObject({
      "apps.kruise.io/image-predownload-parallelism": "2",
      "apps.kruise.io/image-predownload-timeout-seconds": "300",
    });
  });
});

describe("the walkthrough in v1beta1 form", () => {
  it("each step leaves the CloneSet the controller reads (v1alpha1) as the v1alpha1 walkthrough does", () => {
    const dir = (v: string) =>
      join(repoRoot, "examples", ...(v === "v1beta1" ? ["v1beta1"] : []), "walkthrough");
    const steps = readdirSync(dir("v1alpha1"))
      .filter((f) => f.endsWith(".yaml"))
      .sort();
    expect(
      readdirSync(dir("v1beta1"))
        .filter((f) => f.endsWith(".yaml"))
        .sort(),
    ).toEqual(steps);
    for (const step of steps) {
      const read: Record<string, unknown> = {};
      for (const v of ["v1alpha1", "v1beta1"]) {
        const text = inTestNamespace(readFileSync(join(dir(v), step), "utf8")).replace(
          /^(\s+)name: demo$/m,
          `$1name: walk-${v}`,
        );
        expect(kubectl(["apply", "-f", "-"], text).stderr, `${v} ${step}`).toBe("");
        read[v] = readAs(
          { ...(parse(text) as KubeObject), apiVersion: `${GROUP}/v1alpha1` },
          "v1alpha1",
        ).spec;
      }
      expect(read.v1beta1, step).toEqual(read.v1alpha1);
    }
  });
});

describe("examples/v1beta1/", () => {
  it("has the v1beta1 form of every kind, twin of its v1alpha1 example (scripts/test/v1beta1-twins.e2e.test.ts)", () => {
    const kinds = v1beta1Files.map(
      (f) => (parse(readFileSync(join(v1beta1Dir, f), "utf8")) as KubeObject).kind,
    );
    expect(kinds.sort()).toEqual(crdSources.map((s) => s.kind).sort());
    for (const f of v1beta1Files) expect(readdirSync(join(repoRoot, "examples"))).toContain(f);
  });

  it.each(v1beta1Files)("%s applies unchanged and reads back in both versions", (file) => {
    const text = inTestNamespace(readFileSync(join(v1beta1Dir, file), "utf8"));
    const obj = parse(text) as KubeObject;
    expect(obj.apiVersion).toBe(`${GROUP}/v1beta1`);
    if (source(obj.kind).scope === "Cluster")
      clusterScoped.push(`${source(obj.kind).plural}.${GROUP}/${obj.metadata.name}`);
    const r = kubectl(["apply", "-f", "-"], text);
    expect(r.stderr).toBe("");
    const beta = readAs(obj, "v1beta1");
    expect(beta.apiVersion).toBe(`${GROUP}/v1beta1`);
    expect(beta.spec).toEqual(applyDefaults(obj.kind, obj).spec);
    const alpha = readAs(obj, "v1alpha1");
    expect(alpha.apiVersion).toBe(`${GROUP}/v1alpha1`);
    if (IDENTICAL.includes(obj.kind)) expect(alpha.spec).toEqual(beta.spec);
    else {
      // Converted by the webhook: what the conversion functions say, plus v1alpha1's defaults.
      const want = convertKruiseObject(beta as unknown as Record<string, unknown>, `${GROUP}/v1alpha1`);
      expect(alpha.spec).toEqual(applyDefaults(obj.kind, want).spec);
    }
  });

  it.each(IDENTICAL)("%s written as v1alpha1 reads back as v1beta1 with the same spec", (kind) => {
    const file = `${kind.toLowerCase()}.yaml`;
    const text = inTestNamespace(readFileSync(join(repoRoot, "examples", file), "utf8")).replace(
      /^(\s+)name: (sample-\w+)$/m,
      "$1name: $2-alpha-written",
    );
    const obj = parse(text) as KubeObject;
    if (source(kind).scope === "Cluster")
      clusterScoped.push(`${source(kind).plural}.${GROUP}/${obj.metadata.name}`);
    expect(kubectl(["apply", "-f", "-"], text).stderr).toBe("");
    expect(readAs(obj, "v1beta1").spec).toEqual(readAs(obj, "v1alpha1").spec);
  });
});
