// CloneSet's volumeClaimTemplates hash annotation as OpenKruise writes it on each revision
// (kruise.io/cloneset-volumeclaimtemplate-hash). Golden values from tools/revision-hash `vct-golden` (our own Go
// program on k8s.io/api at OpenKruise's version: typed decode, the webhook's claim defaults, name + spec only,
// sorted by name, json.Marshal of the slice, FNV-1a 32 over Kubernetes' DeepHashObject print). Two of its cases are
// the inputs of OpenKruise's own unit test, whose published values (1129974074, 510584408) the tool reproduces.
// revision-golden.test.ts regenerates vct-golden.json where Go is on PATH and fails if it changed.
import { readFileSync } from "node:fs";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { claimTemplatesUnchanged, volumeClaimTemplatesHash } from "../src/index.ts";

const ANNOTATION = "kruise.io/cloneset-volumeclaimtemplate-hash";
const fixtures = new URL("./fixtures/revision-hash/", import.meta.url);
const inputs = (
  JSON.parse(readFileSync(new URL("vct-cases.json", fixtures), "utf8")) as {
    cases: { name: string; volumeClaimTemplates: PersistentVolumeClaim[] }[];
  }
).cases;
const golden = (
  JSON.parse(readFileSync(new URL("vct-golden.json", fixtures), "utf8")) as {
    cases: { name: string; annotations: Record<string, string> }[];
  }
).cases;

describe("volumeClaimTemplates hash equals OpenKruise's", () => {
  it("one golden value per case", () => {
    expect(golden.map((g) => g.name)).toEqual(inputs.map((c) => c.name));
    expect(inputs.length).toBeGreaterThanOrEqual(10);
  });

  for (const [i, input] of inputs.entries()) {
    it(input.name, () => {
      const before = structuredClone(input.volumeClaimTemplates);
      expect(volumeClaimTemplatesHash(input.volumeClaimTemplates)).toBe(golden[i]?.annotations[ANNOTATION]);
      expect(input.volumeClaimTemplates).toEqual(before);
    });
  }

  it("the values OpenKruise's own unit test publishes", () => {
    expect(golden[1]?.annotations[ANNOTATION]).toBe("1129974074");
    expect(golden[2]?.annotations[ANNOTATION]).toBe("510584408");
    expect(volumeClaimTemplatesHash(undefined)).toBe("");
  });
});

describe("claimTemplatesUnchanged (OpenKruise's CanVCTemplateInplaceUpdate)", () => {
  const rev = (hash?: string): ControllerRevision => ({
    metadata: { name: "r", ...(hash !== undefined ? { annotations: { [ANNOTATION]: hash } } : {}) },
    revision: 1,
  });
  it.each([
    ["neither revision records a hash", rev(), rev(), true],
    ["the old revision records none (recorded before the feature)", rev(), rev("11"), true],
    ["the new revision records none", rev("11"), rev(), true],
    ["both without templates", rev(""), rev(""), true],
    ["the same hash", rev("11"), rev("11"), true],
    ["templates removed", rev("11"), rev(""), false],
    ["templates changed", rev("11"), rev("22"), false],
  ])("%s", (_name, from, to, want) => {
    expect(claimTemplatesUnchanged(from, to)).toBe(want);
  });
  it("a pod whose revision is gone", () => {
    expect(claimTemplatesUnchanged(undefined, rev("11"))).toBe(true);
  });
});
