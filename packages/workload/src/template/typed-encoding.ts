import { formatKubeTime } from "@kruise/sdk";
/**
 * A JSON value as a Go controller writes it after decoding it into the typed k8s.io/api structs: what
 * OpenKruise stores and hashes. Fields without `omitempty` appear even when empty (`"creationTimestamp":
 * null`, `"resources": {}`), empty `omitempty` fields disappear (`hostNetwork: false`, `args: []`,
 * `value: ""`), pointers keep their zero values (`runAsNonRoot: false`), quantities take their canonical
 * form and times are written in UTC without fractions.
 *
 * Guarantees: for a template using only fields OpenKruise's k8s.io/api knows, the result equals Go's
 * encoding (the revision-hash golden test checks it field by field).
 * Caveats: fields the table does not know are kept as given, where a Go client would drop them, so that a
 * newer field still reaches the pods; keys match exactly (Go also matches them case-insensitively).
 */
import { goJson } from "./go-json.ts";
import { canonicalQuantity } from "./quantity.ts";
import { TYPED_FIELDS, TYPED_ROOT, TYPED_SUBSET_TEMPLATE_ROOT } from "./typed-fields.generated.ts";

interface Encoded {
  readonly json: unknown;
  /** Whether Go's omitempty would drop the value. */
  readonly empty: boolean;
}

const NULL: Encoded = { json: null, empty: true };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function goTime(v: unknown): unknown {
  if (typeof v !== "string") return null;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) return v;
  return formatKubeTime(ms);
}

function encode(value: unknown, type: string): Encoded {
  if (type.startsWith("*")) {
    if (value === undefined || value === null) return NULL;
    return { json: encode(value, type.slice(1)).json, empty: false };
  }
  if (type.startsWith("[]")) {
    if (!Array.isArray(value))
      return value === undefined || value === null ? NULL : { json: value, empty: false };
    const elem = type.slice(2);
    return { json: value.map((item) => encode(item, elem).json), empty: value.length === 0 };
  }
  if (type.startsWith("map[]")) {
    if (!isObject(value)) return value === undefined || value === null ? NULL : { json: value, empty: false };
    const elem = type.slice(5);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, elem).json;
    return { json: out, empty: Object.keys(out).length === 0 };
  }
  switch (type) {
    case "string":
      return value === undefined || value === null
        ? { json: "", empty: true }
        : { json: value, empty: value === "" };
    case "int":
    case "float":
      return value === undefined || value === null
        ? { json: 0, empty: true }
        : { json: value, empty: value === 0 };
    case "bool":
      return value === undefined || value === null
        ? { json: false, empty: true }
        : { json: value, empty: value === false };
    case "bytes":
      return value === undefined || value === null ? NULL : { json: value, empty: value === "" };
    case "quantity":
      // A struct: never empty; the zero Quantity is written "0".
      return {
        json: typeof value === "string" || typeof value === "number" ? canonicalQuantity(value) : "0",
        empty: false,
      };
    case "intstr":
      return { json: typeof value === "string" || typeof value === "number" ? value : 0, empty: false };
    case "time":
      return { json: goTime(value), empty: false };
    case "raw":
      return { json: value ?? null, empty: false };
    default:
      return { json: encodeStruct(value, type), empty: false };
  }
}

function encodeStruct(value: unknown, type: string): unknown {
  const fields = TYPED_FIELDS[type];
  if (fields === undefined) return value;
  const input = isObject(value) ? value : {};
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [name, fieldType, omitEmpty] of fields) {
    known.add(name);
    const encoded = encode(input[name], fieldType);
    if (omitEmpty === 1 && encoded.empty) continue;
    out[name] = encoded.json;
  }
  for (const [name, v] of Object.entries(input)) if (!known.has(name) && v !== undefined) out[name] = v;
  return out;
}

/** A core/v1 PodTemplateSpec as Go's typed encoding writes it (see the module comment). */
export function typedPodTemplate<T>(template: T): T {
  return encodeStruct(template, TYPED_ROOT) as T;
}

/**
 * A UnitedDeployment's `spec.template` (OpenKruise's v1alpha1 SubsetTemplate: one of the StatefulSet, Advanced
 * StatefulSet, CloneSet and Deployment templates, each metadata + the kind's spec) as Go's typed encoding writes
 * it: what OpenKruise's UnitedDeployment controller records and hashes (see the module comment).
 */
export function typedSubsetTemplate<T>(template: T): T {
  return encodeStruct(template, TYPED_SUBSET_TEMPLATE_ROOT) as T;
}

/**
 * The bytes Go's `json.Marshal` writes for a value of a typed k8s.io/api struct (`type` names a table entry, e.g.
 * `v1.PersistentVolumeClaim`): the typed encoding above, with each struct's fields in declaration order and map
 * keys sorted. Used where OpenKruise hashes a typed struct's own bytes rather than a re-encoded generic map (the
 * volumeClaimTemplates hash).
 *
 * Caveats: fields the table does not know come after the known ones, as given (a Go client would drop them).
 */
export function typedJson(value: unknown, type: string): string {
  return writeTyped(encode(value, type).json, type);
}

function writeTyped(json: unknown, type: string): string {
  if (json === null || json === undefined) return "null";
  if (type.startsWith("*")) return writeTyped(json, type.slice(1));
  if (type.startsWith("[]") && Array.isArray(json)) {
    const elem = type.slice(2);
    return `[${json.map((item) => writeTyped(item, elem)).join(",")}]`;
  }
  if (type.startsWith("map[]") && isObject(json)) {
    const elem = type.slice(5);
    const keys = Object.keys(json).sort();
    return `{${keys.map((k) => `${goJson(k)}:${writeTyped(json[k], elem)}`).join(",")}}`;
  }
  const fields = TYPED_FIELDS[type];
  if (fields === undefined || !isObject(json)) return goJson(json);
  const types = new Map(fields.map(([name, fieldType]) => [name, fieldType]));
  // encodeStruct wrote the known fields in declaration order, then the unknown ones.
  const parts = Object.entries(json).map(([k, v]) => {
    const fieldType = types.get(k);
    return `${goJson(k)}:${fieldType === undefined ? goJson(v) : writeTyped(v, fieldType)}`;
  });
  return `{${parts.join(",")}}`;
}
