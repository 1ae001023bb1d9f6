// The conversion webhook's one entry point: any apps.kruise.io object to any served version of its kind, through
// the kind's hub (its storage version). Pure: no I/O, the input is never modified.
import { crdSources } from "../schema/index.ts";
import { GROUP } from "../schema/crd.ts";
import type { ObjectNode } from "../schema/builder.ts";
import { cloneSetFromV1beta1, cloneSetToV1beta1 } from "./cloneset.ts";

type KubeObject = Record<string, unknown>;

/** Per kind with a version of another shape: that version to and from the hub (the storage version). */
interface VersionConverter {
  readonly toHub: (obj: KubeObject) => KubeObject;
  readonly fromHub: (obj: KubeObject) => KubeObject;
}

const converters: Readonly<Record<string, Readonly<Record<string, VersionConverter>>>> = {
  CloneSet: {
    v1beta1: {
      toHub: (o) => cloneSetFromV1beta1(o) as KubeObject,
      fromHub: (o) => cloneSetToV1beta1(o) as KubeObject,
    },
  },
};

/** The kinds and versions this module converts (other versions differ from their hub only in apiVersion). */
export function convertedVersions(kind: string): readonly string[] {
  return Object.keys(converters[kind] ?? {});
}

/**
 * `obj` as `desiredAPIVersion` (e.g. "apps.kruise.io/v1beta1").
 *
 * # Guarantees
 * - metadata other than labels and annotations is kept as it is (the API server rejects any other change).
 * - A round trip through another version keeps everything the object's own version can hold.
 * - To a version that is a lossy subset (Advanced StatefulSet v1alpha1), the fields it lacks are dropped, as the
 *   API server's pruning drops them.
 *
 * # Caveats
 * - Throws, naming the kind and both versions, for another group, an unknown kind or an unserved version; the
 *   webhook answers that as a failed review.
 */
export function convertKruiseObject(obj: KubeObject, desiredAPIVersion: string): KubeObject {
  const kind = String(obj.kind);
  const from = String(obj.apiVersion);
  const what = `${kind} from ${from} to ${desiredAPIVersion}`;
  const [fromGroup, fromVersion] = from.split("/");
  const [toGroup, toVersion] = desiredAPIVersion.split("/");
  if (fromGroup !== GROUP || toGroup !== GROUP) throw new Error(`cannot convert ${what}: not ${GROUP}`);
  const source = crdSources.find((s) => s.kind === kind);
  if (!source) throw new Error(`cannot convert ${what}: unknown kind`);
  const served = source.versions.map((v) => v.name);
  for (const v of [fromVersion, toVersion])
    if (v === undefined || !served.includes(v))
      throw new Error(`cannot convert ${what}: ${kind} serves ${served.join(", ")}`);
  if (fromVersion === toVersion) return obj;
  const hub = source.versions.find((v) => v.storage)?.name ?? fromVersion;
  // A version without its own shape carries the hub's fields: only apiVersion changes.
  const atHub =
    fromVersion === hub
      ? obj
      : (converters[kind]?.[fromVersion!]?.toHub(obj) ?? { ...obj, apiVersion: `${GROUP}/${hub}` });
  if (toVersion === hub) return atHub;
  const converted = converters[kind]?.[toVersion!]?.fromHub(atHub) ?? {
    ...atHub,
    apiVersion: desiredAPIVersion,
  };
  const subset = source.versions.find((v) => v.name === toVersion)?.subset;
  return subset ? pruned(converted, subset) : converted;
}

/** `obj` with the top-level spec and status fields a subset version lacks dropped, as the API server prunes them. */
function pruned(obj: KubeObject, subset: { spec: ObjectNode; status: ObjectNode }): KubeObject {
  const keep = (value: unknown, node: ObjectNode): unknown =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).filter(([k]) => k in node.properties))
      : value;
  const out: KubeObject = { ...obj };
  if ("spec" in obj) out.spec = keep(obj.spec, subset.spec);
  if ("status" in obj) out.status = keep(obj.status, subset.status);
  return out;
}
