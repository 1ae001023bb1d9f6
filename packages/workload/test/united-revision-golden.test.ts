// UnitedDeployment revision names as OpenKruise computes them, so that switching a cluster from OpenKruise to
// Kruise-TS keeps every subset's apps.kruise.io/controller-revision-hash and rolls no Deployment or StatefulSet.
//
// How the expected values were derived: OpenKruise's UnitedDeployment controller (pkg/controller/uniteddeployment
// revision.go, newRevision + getUnitedDeploymentPatch) json.Marshals the typed v1alpha1 UnitedDeployment, takes
// spec.template back out through a generic map, adds "$patch": "replace", marshals {"spec":{"template":...}}
// (sorted keys) and hashes those bytes with HashControllerRevision (FNV-1 32, then the collision count's digits,
// SafeEncodeString). Its mutating webhook defaults only a statefulSetTemplate's pod spec and volume claim
// templates. tools/revision-hash (`united-golden`) does exactly that in Go over the typed k8s.io/api structs at
// OpenKruise's version and our restatement of OpenKruise's SubsetTemplate/CloneSetSpec/Advanced StatefulSetSpec
// shapes (tools/revision-hash/kruiseapi), giving test/fixtures/revision-hash/united-golden.json for the templates
// in united-cases.json. Where Go is on PATH, revision-golden.test.ts regenerates it and fails if it changed.
import { readFileSync } from "node:fs";
import type { SubsetTemplate, UnitedDeployment } from "@kruise/api";
import { describe, expect, it } from "vitest";
import { newControllerRevision, serializeRevisionData, unitedDeploymentRevisionData } from "../src/index.ts";

interface InputCase {
  name: string;
  unitedDeployment: string;
  collisionCount: number;
  template: SubsetTemplate;
}
interface GoldenCase {
  name: string;
  data: string;
  hash: string;
  revisionName: string;
}

const fixtures = new URL("./fixtures/revision-hash/", import.meta.url);
const inputs = (
  JSON.parse(readFileSync(new URL("united-cases.json", fixtures), "utf8")) as { cases: InputCase[] }
).cases;
const golden = (
  JSON.parse(readFileSync(new URL("united-golden.json", fixtures), "utf8")) as { cases: GoldenCase[] }
).cases;

function unitedDeployment(name: string, template: SubsetTemplate): UnitedDeployment {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "UnitedDeployment",
    metadata: { name, namespace: "default", uid: "u" },
    spec: { selector: { matchLabels: { app: "demo" } }, template },
  };
}

function revisionNameOf(input: InputCase): string | undefined {
  const ud = unitedDeployment(input.unitedDeployment, input.template);
  return newControllerRevision({
    owner: {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "UnitedDeployment",
      name: input.unitedDeployment,
      uid: "u",
    },
    data: unitedDeploymentRevisionData(ud),
    revision: 1,
    collisionCount: input.collisionCount,
  }).metadata?.name;
}

describe("UnitedDeployment revision hashes equal OpenKruise's", () => {
  it("one golden result per template, for every template kind", () => {
    expect(golden.map((g) => g.name)).toEqual(inputs.map((c) => c.name));
    const kinds = new Set(inputs.flatMap((c) => Object.keys(c.template)));
    expect([...kinds].sort()).toEqual([
      "advancedStatefulSetTemplate",
      "cloneSetTemplate",
      "deploymentTemplate",
      "statefulSetTemplate",
    ]);
  });

  it("the issue's CloneSet template (6 over a/b/c) is demo-6f68f65d9d", () => {
    // From tools/revision-hash united-golden; the bytes OpenKruise hashes include Go's zero values:
    // "creationTimestamp":null twice, "resources":{}, and the CloneSet spec's non-pointer "scaleStrategy":{}
    // and "updateStrategy":{}.
    expect(golden[0]?.revisionName).toBe("demo-6f68f65d9d");
    expect(inputs[0] && revisionNameOf(inputs[0])).toBe("demo-6f68f65d9d");
  });

  it.each(inputs.map((input, i) => [input.name, input, golden[i]] as const))("%s", (_name, input, want) => {
    if (want === undefined) throw new Error("no golden result");
    const ud = unitedDeployment(input.unitedDeployment, input.template);
    expect(serializeRevisionData(unitedDeploymentRevisionData(ud))).toBe(want.data);
    expect(revisionNameOf(input)).toBe(want.revisionName);
  });

  it("a template OpenKruise's webhook already defaulted and stored hashes the same again (adoption)", () => {
    for (const [i, input] of inputs.entries()) {
      const stored = (JSON.parse(golden[i]?.data ?? "{}") as { spec: { template: Record<string, unknown> } })
        .spec.template;
      delete stored["$patch"];
      const again = unitedDeploymentRevisionData(unitedDeployment(input.unitedDeployment, stored));
      expect(serializeRevisionData(again), input.name).toBe(golden[i]?.data);
    }
  });

  it("the recorded data is the revision's data, so a rollback restores the whole subset template", () => {
    const input = inputs[0];
    if (input === undefined) throw new Error("no case");
    const data = unitedDeploymentRevisionData(unitedDeployment("demo", input.template));
    expect(data.spec.template.$patch).toBe("replace");
    expect(data.spec.template.cloneSetTemplate).toBeDefined();
  });
});
