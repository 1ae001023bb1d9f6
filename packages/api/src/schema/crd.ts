import type { CelRule, ObjectNode } from "./builder.ts";

export const GROUP = "apps.kruise.io";

/** One `kubectl get` column. priority 1 means it only shows with `-o wide`. */
export interface PrinterColumn {
  readonly name: string;
  readonly type: "integer" | "string" | "date" | "boolean" | "number";
  readonly jsonPath: string;
  readonly description: string;
  readonly priority?: 0 | 1;
}

export interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly storage: boolean;
  /**
   * The schema this version serves when it is a lossy subset of the kind's full `spec`/`status` (Advanced
   * StatefulSet v1alpha1). Conversion stays `None`: the apiserver converts by changing `apiVersion` and then prunes
   * the result with the target version's schema, so fields this version lacks are dropped on read and on write
   * through it, which is what OpenKruise's conversion webhook does for these kinds. Absent: the full schema.
   */
  readonly subset?: { readonly spec: ObjectNode; readonly status: ObjectNode };
  /**
   * This version's own shape, where it is not the kind's `spec`/`status` (the storage version's) nor a subset of it
   * (CloneSet v1beta1). The CRD's conversion becomes `Webhook`: the conversion functions of `src/conversion/`
   * translate, served by a conversion webhook. `typeName` names the generated TypeScript interface.
   */
  readonly shape?: { readonly typeName: string; readonly spec: ObjectNode; readonly status: ObjectNode };
}

/** Everything the generator needs to write one CRD, its types and its Kind descriptors. */
export interface CrdSource {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly scope: "Namespaced" | "Cluster";
  readonly description: string;
  /** Served versions; each serves the full schema, a `subset` of it (conversion None) or its own `shape` (Webhook). */
  readonly versions: readonly CrdVersion[];
  readonly spec: ObjectNode;
  readonly status: ObjectNode;
  /** Rules on the whole object, for checks that read metadata (e.g. name length). */
  readonly rootRules?: readonly CelRule[];
  readonly printerColumns: readonly PrinterColumn[];
  /** Scale subresource paths, for `kubectl scale` and the HPA. */
  readonly scale?: {
    readonly specReplicasPath: string;
    readonly statusReplicasPath: string;
    readonly labelSelectorPath: string;
  };
  /** Whether `spec` must be present (OpenKruise marks kinds with required spec fields). */
  readonly specRequired?: boolean;
}

/** The AGE column every Kruise kind ends with. */
export const AGE_COLUMN: PrinterColumn = {
  name: "AGE",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
  description: "Time since the object was created.",
};

/** The category that lets `kubectl get kruise` list every Kruise object. */
export const KRUISE_CATEGORY = "kruise";

/** OpenKruise's rule for kinds whose name is put into child object names and labels. */
export function nameAtMost63(kindName: string): CelRule {
  return nameAtMost(63, kindName, "in the names and labels of the objects it creates");
}

/** A name limit at the root: `why` says where the name goes, so the user knows what the limit protects. */
export function nameAtMost(max: number, kindName: string, why: string): CelRule {
  return {
    rule: `size(self.metadata.name) <= ${max}`,
    // The manifest declares metadata.name (the only metadata field a CRD may), so the error names the field.
    fieldPath: ".metadata.name",
    message: `metadata.name must be at most ${max} characters: the ${kindName} uses it ${why}`,
  };
}

/** v1alpha1 only: served and stored. */
export const V1ALPHA1_ONLY: readonly CrdVersion[] = [{ name: "v1alpha1", served: true, storage: true }];

/**
 * Both versions with one schema (OpenKruise's v1alpha1 and v1beta1 of the kind are field for field the same), v1alpha1
 * stored. Conversion is `None`: the apiserver only rewrites `apiVersion`, so the kind never depends on a webhook.
 * v1alpha1 stays the storage version because nothing differs in meaning, most stored objects and owner references
 * in clusters moving from OpenKruise are v1alpha1, and a storage change would need a migration for no gain.
 */
export const ALPHA_AND_BETA: readonly CrdVersion[] = [
  { name: "v1alpha1", served: true, storage: true },
  { name: "v1beta1", served: true, storage: false },
];

/**
 * Both versions with one schema, v1beta1 stored: for a kind whose OpenKruise release already stores v1beta1
 * (Advanced DaemonSet), so objects written by OpenKruise are read back without a storage migration. Conversion is
 * `None`, as for `ALPHA_AND_BETA`.
 */
export const ALPHA_AND_BETA_STORING_BETA: readonly CrdVersion[] = [
  { name: "v1alpha1", served: true, storage: false },
  { name: "v1beta1", served: true, storage: true },
];

/** The conversion webhook the API server calls for kinds with a version of another `shape` (see `conversionOf`). */
export const CONVERSION_WEBHOOK = {
  /** Service (and Deployment) name in the chart; the webhook rewrites the CRD's clientConfig to where it runs. */
  service: "kruise-conversion-webhook",
  namespace: "kruise-system",
  path: "/convert",
  port: 443,
} as const;

/** Whether the kind's versions differ in shape, so the API server needs the conversion webhook to translate. */
export function needsConversionWebhook(source: CrdSource): boolean {
  return source.versions.some((v) => v.shape !== undefined);
}
