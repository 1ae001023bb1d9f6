// CloneSet v1alpha1 <-> v1beta1 conversion, pure: OpenKruise's mapping case by case, the two schemas checked against
// each other, and property tests on objects generated from the schema source.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyDefaults,
  CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL,
  cloneSetFromV1beta1,
  cloneSetToV1beta1,
  convertKruiseObject,
  IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION,
  IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION,
  IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION,
  type CloneSet,
  type CloneSetV1beta1,
} from "../src/index.ts";
import type { ObjectNode, SchemaNode } from "../src/schema/builder.ts";
import { cloneSetSpec, cloneSetSpecV1beta1, cloneSetStatus } from "../src/schema/cloneset.ts";
import { arbitraryOf } from "./support/arbitrary.ts";

const ALPHA = "apps.kruise.io/v1alpha1";
const BETA = "apps.kruise.io/v1beta1";
const template = {
  metadata: { labels: { app: "a" } },
  spec: { containers: [{ name: "c", image: "nginx" }] },
};

function alpha(spec: Partial<NonNullable<CloneSet["spec"]>>, metadata: CloneSet["metadata"] = {}): CloneSet {
  return {
    apiVersion: ALPHA,
    kind: "CloneSet",
    metadata: { name: "cs", namespace: "ns", uid: "u-1", resourceVersion: "7", ...metadata },
    spec: { selector: { matchLabels: { app: "a" } }, template, ...spec },
  };
}

describe("CloneSet v1alpha1 to v1beta1, as OpenKruise converts", () => {
  it.each([
    ["ReCreate", "RollingUpdate", "ReCreate"],
    ["InPlaceIfPossible", "RollingUpdate", "InPlaceIfPossible"],
    ["InPlaceOnly", "RollingUpdate", "InPlaceOnly"],
    ["OnDelete", "OnDelete", undefined],
  ] as const)("updateStrategy.type %s is type %s with podUpdatePolicy %s", (type, betaType, policy) => {
    const beta = cloneSetToV1beta1(alpha({ updateStrategy: { type, partition: 2, maxUnavailable: "50%" } }));
    expect(beta.apiVersion).toBe(BETA);
    expect(beta.spec?.updateStrategy).toEqual({
      type: betaType,
      rollingUpdate: { ...(policy ? { podUpdatePolicy: policy } : {}), partition: 2, maxUnavailable: "50%" },
    });
    expect(cloneSetFromV1beta1(beta)).toEqual(
      alpha({ updateStrategy: { type, partition: 2, maxUnavailable: "50%" } }),
    );
  });

  it("enablePVCReuse is the inverse of disablePVCReuse, and an absent disablePVCReuse (reuse) is written out", () => {
    expect(cloneSetToV1beta1(alpha({})).spec?.scaleStrategy).toEqual({ enablePVCReuse: true });
    expect(
      cloneSetToV1beta1(alpha({ scaleStrategy: { disablePVCReuse: true } })).spec?.scaleStrategy,
    ).toEqual({
      enablePVCReuse: false,
    });
    const beta = (s: NonNullable<CloneSetV1beta1["spec"]>["scaleStrategy"]): CloneSetV1beta1 => ({
      ...cloneSetToV1beta1(alpha({})),
      spec: { ...cloneSetToV1beta1(alpha({})).spec!, scaleStrategy: s },
    });
    // v1beta1's default is no reuse.
    expect(cloneSetFromV1beta1(beta({})).spec?.scaleStrategy).toEqual({ disablePVCReuse: true });
    expect(cloneSetFromV1beta1(beta({ enablePVCReuse: true })).spec?.scaleStrategy).toBeUndefined();
  });

  it("the exclude-preparing-delete label is excludePreparingDelete, and back", () => {
    const labels = { [CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL]: "true", team: "x" };
    const beta = cloneSetToV1beta1(alpha({}, { labels }));
    expect(beta.spec?.scaleStrategy?.excludePreparingDelete).toBe(true);
    const off: CloneSetV1beta1 = {
      ...beta,
      spec: { ...beta.spec!, scaleStrategy: { ...beta.spec!.scaleStrategy, excludePreparingDelete: false } },
    };
    expect(cloneSetFromV1beta1(off).metadata?.labels).toEqual({ team: "x" });
    const fresh = cloneSetToV1beta1(alpha({}));
    const on: CloneSetV1beta1 = {
      ...fresh,
      spec: { ...fresh.spec!, scaleStrategy: { enablePVCReuse: true, excludePreparingDelete: true } },
    };
    expect(cloneSetFromV1beta1(on).metadata?.labels).toEqual({
      [CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL]: "true",
    });
  });

  it("pre-download annotations are inPlaceUpdateStrategy fields, and fields become annotations", () => {
    const annotations = {
      [IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION]: "10%",
      [IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION]: "600",
      [IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION]: "oops",
    };
    const beta = cloneSetToV1beta1(alpha({ updateStrategy: { type: "InPlaceIfPossible" } }, { annotations }));
    expect(beta.spec?.updateStrategy?.rollingUpdate?.inPlaceUpdateStrategy).toEqual({
      imagePreDownloadParallelism: "10%",
      imagePreDownloadTimeoutSeconds: 600,
    });
    const changed: CloneSetV1beta1 = structuredClone(beta);
    changed.spec!.updateStrategy!.rollingUpdate!.inPlaceUpdateStrategy = {
      gracePeriodSeconds: 5,
      imagePreDownloadParallelism: 3,
      imagePreDownloadMinUpdatedReadyPods: 2,
    };
    const back = cloneSetFromV1beta1(changed);
    expect(back.metadata?.annotations).toEqual({
      [IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION]: "3",
      [IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION]: "600",
      [IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION]: "2",
    });
    expect(back.spec?.updateStrategy).toEqual({
      type: "InPlaceIfPossible",
      inPlaceUpdateStrategy: { gracePeriodSeconds: 5 },
    });
  });

  it("keeps what OpenKruise drops: an OnDelete CloneSet's rolling fields", () => {
    const cs = alpha({ updateStrategy: { type: "OnDelete", partition: "30%", paused: true } });
    expect(cloneSetFromV1beta1(cloneSetToV1beta1(cs))).toEqual(cs);
  });

  it("keeps metadata other than labels and annotations, and status, as they are; never modifies its input", () => {
    const cs = alpha({ replicas: 3 });
    cs.status = {
      replicas: 3,
      updateRevision: "cs-abc",
      conditions: [{ type: "FailedScale", status: "False" }],
    };
    const frozen = structuredClone(cs);
    const beta = cloneSetToV1beta1(cs);
    expect(cs).toEqual(frozen);
    expect(beta.metadata).toEqual(cs.metadata);
    expect(beta.status).toEqual(cs.status);
  });
});

describe("convertKruiseObject", () => {
  it("converts through the hub, and names kind and versions when it cannot", () => {
    const cs = alpha({ updateStrategy: { type: "InPlaceOnly" } }) as unknown as Record<string, unknown>;
    const beta = convertKruiseObject(cs, BETA);
    expect(beta).toEqual(cloneSetToV1beta1(cs as unknown as CloneSet));
    expect(convertKruiseObject(beta, ALPHA)).toEqual(cs);
    expect(convertKruiseObject(cs, ALPHA)).toBe(cs);
    expect(() => convertKruiseObject(cs, "apps.kruise.io/v2")).toThrow(
      "cannot convert CloneSet from apps.kruise.io/v1alpha1 to apps.kruise.io/v2: CloneSet serves v1alpha1, v1beta1",
    );
    expect(() => convertKruiseObject({ ...cs, kind: "Widget" }, BETA)).toThrow("unknown kind");
    expect(() => convertKruiseObject(cs, "apps/v1")).toThrow("not apps.kruise.io");
  });

  it("changes only apiVersion for a kind whose versions are the same fields", () => {
    const bcj = {
      apiVersion: ALPHA,
      kind: "BroadcastJob",
      metadata: { name: "b" },
      spec: { parallelism: 2 },
    };
    expect(convertKruiseObject(bcj, BETA)).toEqual({ ...bcj, apiVersion: BETA });
  });

  it("drops, as the API server prunes them, the fields a subset version lacks (Advanced StatefulSet v1alpha1)", () => {
    const spec = { replicas: 2, serviceName: "s", reserveOrdinals: [1], lifecycle: {} };
    const asts = {
      apiVersion: BETA,
      kind: "StatefulSet",
      metadata: { name: "s" },
      spec,
      status: { replicas: 2, updatedReadyReplicas: 1 },
    };
    expect(convertKruiseObject(asts, ALPHA)).toEqual({
      ...asts,
      apiVersion: ALPHA,
      spec: { replicas: 2, serviceName: "s" },
      status: { replicas: 2 },
    });
    expect(asts.spec).toBe(spec);
    expect(convertKruiseObject({ ...asts, apiVersion: ALPHA }, BETA)).toEqual(asts);
  });
});

/** Every leaf path of a schema (objects descend, arrays and maps end the path). */
function leafPaths(node: SchemaNode, prefix = ""): string[] {
  if (node.type !== "object" || Object.keys(node.properties).length === 0) return [prefix];
  return Object.entries(node.properties).flatMap(([name, child]) =>
    leafPaths(child, prefix ? `${prefix}.${name}` : name),
  );
}

describe("the two CloneSet schemas, checked against each other", () => {
  it("differ only where the conversion translates; every other node is the same object", () => {
    const a = cloneSetSpec.properties;
    const b = cloneSetSpecV1beta1.properties;
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a))
      if (name !== "scaleStrategy" && name !== "updateStrategy") expect(b[name], name).toBe(a[name]);
    const alphaUpdate = leafPaths(a.updateStrategy!).filter(
      (p) => p !== "type" && !p.startsWith("inPlaceUpdateStrategy."),
    );
    const betaRolling = leafPaths((b.updateStrategy as ObjectNode).properties.rollingUpdate!);
    // Every v1alpha1 update field lives under rollingUpdate; v1beta1 adds podUpdatePolicy and the pre-download fields.
    for (const p of alphaUpdate) expect(betaRolling).toContain(p);
    expect(betaRolling.filter((p) => !alphaUpdate.includes(p)).sort()).toEqual([
      "inPlaceUpdateStrategy.gracePeriodSeconds",
      "inPlaceUpdateStrategy.imagePreDownloadMinUpdatedReadyPods",
      "inPlaceUpdateStrategy.imagePreDownloadParallelism",
      "inPlaceUpdateStrategy.imagePreDownloadTimeoutSeconds",
      "podUpdatePolicy",
    ]);
    expect(leafPaths(a.scaleStrategy!).sort()).toEqual(["disablePVCReuse", "maxUnavailable", "podsToDelete"]);
    expect(leafPaths(b.scaleStrategy!).sort()).toEqual([
      "enablePVCReuse",
      "excludePreparingDelete",
      "maxUnavailable",
      "podsToDelete",
    ]);
  });
});

// Metadata the conversion reads: random labels and annotations plus the keys that carry v1alpha1-only values.
const annotationValue = fc.oneof(
  fc.constant("5"),
  fc.constant("25%"),
  fc.constant("007"),
  fc.constant("x"),
  fc.constant(""),
);
const metadataArb = fc.record(
  {
    name: fc.constant("cs"),
    namespace: fc.constant("ns"),
    labels: fc.dictionary(
      fc.oneof(
        fc.constant(CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL),
        fc.string({ minLength: 1, maxLength: 5 }),
      ),
      fc.oneof(fc.constant("true"), fc.constant("false"), fc.string({ maxLength: 4 })),
      { maxKeys: 3 },
    ),
    annotations: fc.dictionary(
      fc.oneof(
        fc.constant(IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION),
        fc.constant(IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION),
        fc.constant(IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION),
        fc.string({ minLength: 1, maxLength: 5 }),
      ),
      annotationValue,
      { maxKeys: 4 },
    ),
  },
  { requiredKeys: ["name", "namespace"] },
);

/** Same meaning: schema defaults filled in, and the values that mean what their absence means dropped. */
function meaning<T extends { spec?: unknown }>(kind: T): unknown {
  const d = applyDefaults("CloneSet", kind) as { spec?: Record<string, Record<string, unknown> | undefined> };
  const scale = d.spec?.scaleStrategy;
  if (scale?.disablePVCReuse === false) delete scale.disablePVCReuse;
  if (scale?.enablePVCReuse === false) delete scale.enablePVCReuse;
  if (scale?.excludePreparingDelete === false) delete scale.excludePreparingDelete;
  // An empty in-place strategy holds nothing: it is not kept beside pre-download fields that moved to annotations.
  const update = d.spec?.updateStrategy as Record<string, Record<string, unknown> | undefined> | undefined;
  for (const holder of [update, update?.rollingUpdate as typeof update])
    if (holder?.inPlaceUpdateStrategy && Object.keys(holder.inPlaceUpdateStrategy).length === 0)
      delete holder.inPlaceUpdateStrategy;
  return d;
}

describe("property: random v1alpha1 CloneSets survive the v1beta1 round trip", () => {
  const alphaArb = fc.record({
    apiVersion: fc.constant(ALPHA),
    kind: fc.constant("CloneSet"),
    metadata: metadataArb,
    spec: arbitraryOf(cloneSetSpec),
    status: fc.option(arbitraryOf(cloneSetStatus), { nil: undefined }),
  });

  it("v1alpha1 -> v1beta1 -> v1alpha1 is the same object in meaning, metadata included", () => {
    fc.assert(
      fc.property(alphaArb, (raw) => {
        const cs = JSON.parse(JSON.stringify(raw)) as CloneSet;
        const back = cloneSetFromV1beta1(cloneSetToV1beta1(cs));
        expect(meaning(back)).toEqual(meaning(cs));
        expect(back.metadata).toEqual(cs.metadata);
      }),
      { numRuns: 400 },
    );
  });

  it("v1beta1 -> v1alpha1 -> v1beta1 keeps the spec, except podUpdatePolicy under OnDelete", () => {
    const betaArb = fc.record({
      apiVersion: fc.constant(BETA),
      kind: fc.constant("CloneSet"),
      metadata: fc.record({ name: fc.constant("cs") }),
      spec: arbitraryOf(cloneSetSpecV1beta1),
    });
    fc.assert(
      fc.property(betaArb, (raw) => {
        const cs = JSON.parse(JSON.stringify(raw)) as CloneSetV1beta1;
        const u = cs.spec?.updateStrategy;
        if (u?.type === "OnDelete" && u.rollingUpdate) delete u.rollingUpdate.podUpdatePolicy;
        const back = cloneSetToV1beta1(cloneSetFromV1beta1(cs));
        // metadata gains the labels and annotations that carry the values for v1alpha1.
        expect(meaning({ ...back, metadata: cs.metadata })).toEqual(meaning(cs));
      }),
      { numRuns: 400 },
    );
  });
});
