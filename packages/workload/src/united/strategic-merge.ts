// Kubernetes' strategic merge patch, for the one document UnitedDeployment patches: a PodTemplateSpec
// (`spec.topology.subsets[].patch`). Go's implementation reads the merge keys from the Go struct tags; here they
// are the table below, which covers every list of a pod template that Kubernetes merges by key.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Lists of a pod template merged element by element, by the key Kubernetes declares (patchMergeKey). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  ports: "containerPort",
  imagePullSecrets: "name",
  hostAliases: "ip",
  resourceClaims: "name",
  topologySpreadConstraints: "topologyKey",
};

const DIRECTIVE = "$patch";

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Thrown for a patch that is not a JSON object, or a `$patch` directive Kubernetes does not know. */
export class StrategicMergeError extends Error {}

/**
 * `original` with the strategic merge `patch` applied: maps merge key by key (`null` deletes), lists in the
 * table merge by their key (an element `{"$patch":"delete", key}` removes one), other lists are replaced;
 * `{"$patch":"replace"}` in a map replaces it, `{"$patch":"delete"}` removes it. `$retainKeys` and
 * `$setElementOrder` are accepted and ignored (order follows the original, new elements are appended).
 *
 * Guarantees: `original` and `patch` are not modified.
 */
export function strategicMerge<T>(original: T, patch: unknown): T {
  if (!isObject(patch)) throw new StrategicMergeError("the patch must be a JSON object");
  return mergeObject(isObject(original) ? original : {}, patch) as T;
}

function mergeObject(original: JsonObject, patch: JsonObject): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive === "delete") return undefined;
  if (directive === "replace") return withoutDirectives(patch);
  if (directive !== undefined && directive !== "merge")
    throw new StrategicMergeError(`unknown $patch directive ${JSON.stringify(directive)}`);
  const out: JsonObject = structuredClone(original);
  for (const [key, value] of Object.entries(patch)) {
    if (key === DIRECTIVE || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (isObject(value)) {
      const merged = mergeObject(isObject(current) ? current : {}, value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else if (Array.isArray(value)) {
      const mergeKey = MERGE_KEYS[key];
      out[key] =
        mergeKey !== undefined && Array.isArray(current)
          ? mergeList(current, value, mergeKey)
          : value.filter((e) => !(isObject(e) && e[DIRECTIVE] === "delete")).map(withoutDirectivesDeep);
    } else out[key] = value;
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], mergeKey: string): Json[] {
  if (patch.some((e) => isObject(e) && e[DIRECTIVE] === "replace"))
    return patch.filter((e) => !(isObject(e) && e[DIRECTIVE] === "replace")).map(withoutDirectivesDeep);
  const out = structuredClone(original);
  for (const element of patch) {
    if (!isObject(element) || element[mergeKey] === undefined) {
      out.push(withoutDirectivesDeep(element));
      continue;
    }
    const at = out.findIndex((e) => isObject(e) && e[mergeKey] === element[mergeKey]);
    if (element[DIRECTIVE] === "delete") {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    const existing = out[at];
    if (at >= 0 && isObject(existing)) {
      const merged = mergeObject(existing, element);
      if (merged === undefined) out.splice(at, 1);
      else out[at] = merged;
    } else out.push(withoutDirectivesDeep(element));
  }
  return out;
}

function withoutDirectives(obj: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (k !== DIRECTIVE) out[k] = withoutDirectivesDeep(v);
  return out;
}

function withoutDirectivesDeep(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutDirectivesDeep);
  return isObject(v) ? withoutDirectives(v) : v;
}
