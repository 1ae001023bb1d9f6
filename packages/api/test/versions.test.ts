// Both served versions of every kind, against the real apiserver: the v1beta1 examples (OpenKruise 1.9 users'
// YAML) apply unchanged and read back in both versions; kinds whose versions are the same fields never name a
// conversion webhook.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { applyDefaults, crdSources, GROUP } from "../src/index.ts";
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

describe("examples/v1beta1/", () => {
  it("has the v1beta1 form of every kind whose versions are the same fields", () => {
    const kinds = v1beta1Files.map(
      (f) => (parse(readFileSync(join(v1beta1Dir, f), "utf8")) as KubeObject).kind,
    );
    for (const kind of IDENTICAL) expect(kinds).toContain(kind);
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
