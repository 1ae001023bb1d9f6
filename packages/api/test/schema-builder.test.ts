import { describe, expect, it } from "vitest";
import { toOpenApi } from "../scripts/render/openapi.ts";
import {
  array,
  bool,
  enumOf,
  freeform,
  int32,
  int64,
  intOrString,
  map,
  object,
  shapeOnly,
  string,
  type SchemaNode,
} from "../src/schema/builder.ts";
import { crdSources } from "../src/schema/index.ts";

describe("toOpenApi", () => {
  it.each<[string, SchemaNode, Record<string, unknown>]>([
    ["string", string("S.", { maxLength: 3 }), { description: "S.", type: "string", maxLength: 3 }],
    [
      "enum with default",
      enumOf("E.", ["A", "B"], { default: "A" }),
      { description: "E.", default: "A", type: "string", enum: ["A", "B"] },
    ],
    [
      "int32",
      int32("I.", { minimum: 0 }),
      { description: "I.", type: "integer", format: "int32", minimum: 0 },
    ],
    ["int64", int64("L."), { description: "L.", type: "integer", format: "int64" }],
    ["bool", bool("B."), { description: "B.", type: "boolean" }],
    [
      "int-or-string",
      intOrString("X.", { default: "20%" }),
      { description: "X.", default: "20%", "x-kubernetes-int-or-string": true },
    ],
    [
      "set list",
      array("A.", string("N."), { listType: "set" }),
      {
        description: "A.",
        type: "array",
        items: { description: "N.", type: "string" },
        "x-kubernetes-list-type": "set",
      },
    ],
    [
      "map",
      map("M.", bool("V.")),
      { description: "M.", type: "object", additionalProperties: { description: "V.", type: "boolean" } },
    ],
    [
      "freeform",
      freeform("F."),
      { description: "F.", type: "object", "x-kubernetes-preserve-unknown-fields": true },
    ],
    [
      "object with rule",
      object(
        "O.",
        { a: string("A.") },
        { required: ["a"], rules: [{ rule: "self.a != ''", message: "a must be set", fieldPath: ".a" }] },
      ),
      {
        description: "O.",
        type: "object",
        properties: { a: { description: "A.", type: "string" } },
        required: ["a"],
        "x-kubernetes-validations": [{ rule: "self.a != ''", message: "a must be set", fieldPath: ".a" }],
      },
    ],
  ])("renders %s", (_name, node, expected) => {
    expect(toOpenApi(node)).toEqual(expected);
  });
});

describe("shapeOnly", () => {
  it("drops defaults and rules at every depth and keeps the shape", () => {
    const node = object("O.", {
      inner: object(
        "I.",
        { n: int32("N.", { default: 1 }) },
        { default: {}, rules: [{ rule: "true", message: "m" }] },
      ),
    });
    expect(toOpenApi(shapeOnly(node))).toEqual({
      description: "O.",
      type: "object",
      properties: {
        inner: {
          description: "I.",
          type: "object",
          properties: { n: { description: "N.", type: "integer", format: "int32" } },
        },
      },
    });
  });
});

function* undescribed(node: SchemaNode, path: string): Generator<string> {
  if (node.description.trim() === "") yield path;
  if (node.type === "object")
    for (const [name, child] of Object.entries(node.properties)) yield* undescribed(child, `${path}.${name}`);
  if (node.type === "array") yield* undescribed(node.items, `${path}[]`);
  if (node.type === "map") yield* undescribed(node.values, `${path}{}`);
}

describe("CRD sources", () => {
  it.each(crdSources.map((s) => [s.kind, s] as const))(
    "%s describes every field, so kubectl explain is useful",
    (_kind, source) => {
      expect([...undescribed(source.spec, "spec"), ...undescribed(source.status, "status")]).toEqual([]);
    },
  );

  it("store v1alpha1 for every kind but StatefulSet and DaemonSet, which store v1beta1 (StatefulSet serves v1alpha1 as its subset)", () => {
    const storesV1beta1 = new Set(["StatefulSet", "DaemonSet"]); // as OpenKruise 1.9 stores them
    for (const source of crdSources) {
      expect(
        source.versions.filter((v) => v.storage).map((v) => v.name),
        source.kind,
      ).toEqual([storesV1beta1.has(source.kind) ? "v1beta1" : "v1alpha1"]);
    }
    const sts = crdSources.find((s) => s.kind === "StatefulSet");
    expect(sts?.versions.map((v) => v.name)).toEqual(["v1alpha1", "v1beta1"]);
    const alpha = sts?.versions.find((v) => v.name === "v1alpha1")?.subset;
    expect(Object.keys(alpha?.spec.properties ?? {})).not.toContain("reserveOrdinals");
    expect(Object.keys(alpha?.status.properties ?? {})).not.toContain("volumeClaims");
    // Every v1alpha1 field is the v1beta1 field itself: nothing to convert but dropping.
    for (const [name, node] of Object.entries(alpha?.spec.properties ?? {}))
      expect(node, name).toBe(sts?.spec.properties[name]);
  });

  it("serve ImagePullJob and NodeImage as v1alpha1 (stored) and v1beta1, one schema for both", () => {
    for (const kind of ["ImagePullJob", "NodeImage"]) {
      const versions = crdSources.find((s) => s.kind === kind)?.versions;
      expect(
        versions?.map((v) => [v.name, v.storage, v.subset]),
        kind,
      ).toEqual([
        ["v1alpha1", true, undefined],
        ["v1beta1", false, undefined],
      ]);
    }
  });
});
