// Revision names as OpenKruise computes them, for the same stored template: golden values from
// tools/revision-hash (Go, k8s.io/api at OpenKruise's version, our own program). When Go is on PATH the
// golden file and the field table are regenerated first and must not have changed.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { applyDefaults } from "@kruise/api";
import { describe, expect, it } from "vitest";
import {
  canonicalQuantity,
  defaultPodTemplate,
  hashRevisionData,
  imageTag,
  newControllerRevision,
  revisionLabels,
  serializeRevisionData,
  templateRevisionData,
  typedPodTemplate,
} from "../src/index.ts";

interface GoldenCase {
  name: string;
  defaultedTemplate: PodTemplateSpec;
  data: string;
  hash: string;
  revisionName: string;
}
interface InputCase {
  name: string;
  cloneSet: string;
  collisionCount: number;
  template: PodTemplateSpec;
}

const fixtures = new URL("./fixtures/revision-hash/", import.meta.url);
const inputs = (JSON.parse(readFileSync(new URL("cases.json", fixtures), "utf8")) as { cases: InputCase[] })
  .cases;
const golden = (JSON.parse(readFileSync(new URL("golden.json", fixtures), "utf8")) as { cases: GoldenCase[] })
  .cases;

function haveGo(): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("revision hashes equal OpenKruise's", () => {
  it("covers at least 20 templates, one golden result each", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(20);
    expect(golden.map((g) => g.name)).toEqual(inputs.map((c) => c.name));
  });

  it("the walkthrough's 01-deploy.yaml is demo-5c5f449787, as measured under kruise-manager", () => {
    expect(golden[0]?.revisionName).toBe("demo-5c5f449787");
  });

  it.each(inputs.map((input, i) => [input.name, input, golden[i]] as const))("%s", (_name, input, want) => {
    if (want === undefined) throw new Error("no golden result");
    const data = templateRevisionData(input.template);
    expect(data.spec.template).toEqual({ ...want.defaultedTemplate, $patch: "replace" });
    expect(serializeRevisionData(data)).toBe(want.data);
    const revision = newControllerRevision({
      owner: { apiVersion: "apps.kruise.io/v1alpha1", kind: "CloneSet", name: input.cloneSet, uid: "u" },
      data,
      revision: 1,
      collisionCount: input.collisionCount,
    });
    expect(revision.metadata?.name).toBe(want.revisionName);
    // CloneSetShortHash: pods carry the hash alone in controller-revision-hash; pod-template-hash always.
    expect(revisionLabels(want.revisionName, true)).toEqual({
      "controller-revision-hash": want.hash,
      "pod-template-hash": want.hash,
    });
    expect(revisionLabels(want.revisionName)["controller-revision-hash"]).toBe(want.revisionName);
  });

  it("a template OpenKruise already defaulted and stored hashes the same again (adoption)", () => {
    for (const [i, input] of inputs.entries()) {
      const stored = golden[i]?.defaultedTemplate;
      if (stored === undefined) continue;
      expect(serializeRevisionData(templateRevisionData(stored)), input.name).toBe(golden[i]?.data);
      expect(defaultPodTemplate(stored)).toEqual(defaultPodTemplate(defaultPodTemplate(stored)));
    }
  });

  it("the issue's stored template hashes to demo-5c5f449787", () => {
    const stored = JSON.parse(
      '{"metadata":{"creationTimestamp":null,"labels":{"app":"cs"}},"spec":{"containers":[{"image":"nginx:alpine","imagePullPolicy":"IfNotPresent","name":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File"}],"dnsPolicy":"ClusterFirst","restartPolicy":"Always","schedulerName":"default-scheduler","securityContext":{},"terminationGracePeriodSeconds":30}}',
    ) as PodTemplateSpec;
    expect(hashRevisionData(serializeRevisionData(templateRevisionData(stored)), 0)).toBe("5c5f449787");
  });

  it("fields OpenKruise's types do not know are kept, so they still reach the pods", () => {
    const typed = typedPodTemplate({ spec: { containers: [], newPodField: { a: 1 } } } as PodTemplateSpec);
    expect((typed.spec as unknown as Record<string, unknown>)["newPodField"]).toEqual({ a: 1 });
  });

  it.skipIf(!haveGo())(
    "regenerating the golden values and the field table changes nothing",
    () => {
      const script = new URL("../scripts/revision-golden.ts", import.meta.url).pathname;
      execFileSync(process.execPath, [script, "--check"], { stdio: "inherit", timeout: 300_000 });
    },
    300_000,
  );
});

describe("quantities in canonical form", () => {
  it.each([
    ["0.5", undefined, "500m"],
    ["1000m", undefined, "1"],
    ["1.5Gi", undefined, "1536Mi"],
    ["2048Ki", undefined, "2Mi"],
    ["512Ki", undefined, "512Ki"],
    ["0.5Ki", undefined, "512"],
    ["129M", undefined, "129M"],
    ["1e3", undefined, "1e3"],
    ["1.5e3", undefined, "1500"],
    [2, undefined, "2"],
    ["0", undefined, "0"],
    ["0.1n", -3, "1m"],
    ["1.0001", -3, "1001m"],
    ["-1.5", undefined, "-1500m"],
    ["not-a-quantity", undefined, "not-a-quantity"],
  ] as const)("%s (round up to 10^%s) -> %s", (input, scale, want) => {
    expect(canonicalQuantity(input, scale)).toBe(want);
  });
});

describe("image tags as Kubernetes parses them", () => {
  it.each([
    ["nginx", "latest"],
    ["nginx:1.25", "1.25"],
    ["localhost:5000/tools/init", "latest"],
    ["localhost:5000/tools/init:v2", "v2"],
    [`busybox@sha256:${"a".repeat(64)}`, ""],
    [`busybox:1.36@sha256:${"a".repeat(64)}`, "1.36"],
  ])("%s -> %s", (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});

describe("the CRD schema's template defaults agree with the webhook defaults", () => {
  // Schema defaults write what `kubectl get` shows; the controller defaults the rest in memory. Either order
  // must give OpenKruise's template.
  it.each(inputs.map((input, i) => [input.name, input, golden[i]] as const))("%s", (_name, input, want) => {
    const stored = applyDefaults("CloneSet", { spec: { template: input.template } }).spec.template;
    expect(typedPodTemplate(defaultPodTemplate(stored))).toEqual(want?.defaultedTemplate);
  });
});
