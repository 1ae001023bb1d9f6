// CloneSet v1alpha1 <-> v1beta1, as pure functions. v1alpha1 is the hub (the storage version, which the controller
// reconciles); v1beta1 is converted to and from it. What moves, OpenKruise's cloneset_conversion.go as the model:
// - updateStrategy.type ReCreate | InPlaceIfPossible | InPlaceOnly | OnDelete <-> type RollingUpdate | OnDelete plus
//   rollingUpdate.podUpdatePolicy; the other update fields move under rollingUpdate unchanged.
// - scaleStrategy.disablePVCReuse <-> enablePVCReuse, inverted (an absent disablePVCReuse means reuse, an absent
//   enablePVCReuse means no reuse, so enablePVCReuse is always written).
// - label apps.kruise.io/cloneset-scaling-exclude-preparing-delete=true <-> scaleStrategy.excludePreparingDelete.
// - annotations apps.kruise.io/image-predownload-* <-> rollingUpdate.inPlaceUpdateStrategy.imagePreDownload*.
// Where OpenKruise drops data we keep it: an OnDelete CloneSet keeps partition, maxUnavailable, maxSurge, paused and
// the priority/scatter/in-place settings under v1beta1's rollingUpdate (OpenKruise drops rollingUpdate for OnDelete).
// The only v1beta1 value v1alpha1 cannot hold is podUpdatePolicy of an OnDelete CloneSet, which nothing reads.
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import {
  IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION,
  IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION,
  IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION,
} from "../constants/annotations.ts";
import { CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL } from "../constants/labels.ts";
import type {
  CloneSet,
  CloneSetInPlaceUpdateStrategyV1beta1,
  CloneSetRollingUpdateStrategyV1beta1,
  CloneSetScaleStrategy,
  CloneSetSpec,
  CloneSetSpecV1beta1,
  CloneSetUpdateStrategy,
  CloneSetUpdateStrategyV1beta1,
  CloneSetV1beta1,
} from "../generated/types.ts";
import { GROUP } from "../schema/crd.ts";

type PreDownload = Pick<
  CloneSetInPlaceUpdateStrategyV1beta1,
  "imagePreDownloadParallelism" | "imagePreDownloadTimeoutSeconds" | "imagePreDownloadMinUpdatedReadyPods"
>;

/** The v1beta1 fields each v1alpha1 pre-download annotation becomes, with its parser. */
const PRE_DOWNLOAD_ANNOTATIONS = [
  [IMAGE_PREDOWNLOAD_PARALLELISM_ANNOTATION, "imagePreDownloadParallelism", parseIntOrString],
  [IMAGE_PREDOWNLOAD_TIMEOUT_SECONDS_ANNOTATION, "imagePreDownloadTimeoutSeconds", parseInt32],
  [IMAGE_PREDOWNLOAD_MIN_UPDATED_READY_PODS_ANNOTATION, "imagePreDownloadMinUpdatedReadyPods", parseInt32],
] as const;

/** A CloneSet as v1beta1. The input is not modified. */
export function cloneSetToV1beta1(cs: CloneSet): CloneSetV1beta1 {
  const { spec, status, apiVersion: _from, ...rest } = structuredClone(cs);
  return {
    ...rest,
    apiVersion: `${GROUP}/v1beta1`,
    ...(spec !== undefined ? { spec: specToV1beta1(spec, rest.metadata) } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

/** A v1beta1 CloneSet as v1alpha1: labels and annotations carry what v1alpha1 has no field for. Input unmodified. */
export function cloneSetFromV1beta1(cs: CloneSetV1beta1): CloneSet {
  const { spec, status, apiVersion: _from, ...rest } = structuredClone(cs);
  const metadata: ObjectMeta = rest.metadata ?? {};
  const out: CloneSet = { ...rest, apiVersion: `${GROUP}/v1alpha1` };
  if (spec !== undefined) out.spec = specFromV1beta1(spec, metadata);
  if (status !== undefined) out.status = status;
  if (rest.metadata !== undefined || Object.keys(metadata).length > 0) out.metadata = metadata;
  return out;
}

function specToV1beta1(spec: CloneSetSpec, metadata: ObjectMeta | undefined): CloneSetSpecV1beta1 {
  const { scaleStrategy, updateStrategy, ...same } = spec;
  const out: CloneSetSpecV1beta1 = same;
  const { disablePVCReuse, ...scale } = scaleStrategy ?? {};
  out.scaleStrategy = {
    ...scale,
    enablePVCReuse: disablePVCReuse !== true,
    ...(metadata?.labels?.[CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL] === "true"
      ? { excludePreparingDelete: true }
      : {}),
  };
  const update = updateToV1beta1(updateStrategy, preDownloadFromAnnotations(metadata?.annotations));
  if (update !== undefined) out.updateStrategy = update;
  return out;
}

function updateToV1beta1(
  update: CloneSetUpdateStrategy | undefined,
  preDownload: PreDownload | undefined,
): CloneSetUpdateStrategyV1beta1 | undefined {
  if (update === undefined && preDownload === undefined) return undefined;
  const { type, inPlaceUpdateStrategy, ...rolling } = update ?? {};
  const rollingUpdate: CloneSetRollingUpdateStrategyV1beta1 = {
    ...(type !== undefined && type !== "OnDelete" ? { podUpdatePolicy: type } : {}),
    ...rolling,
  };
  // Annotations win over a field of the same meaning, as in OpenKruise (v1alpha1 has no such field today).
  if (inPlaceUpdateStrategy !== undefined || preDownload !== undefined)
    rollingUpdate.inPlaceUpdateStrategy = { ...inPlaceUpdateStrategy, ...preDownload };
  return {
    ...(type !== undefined ? { type: type === "OnDelete" ? "OnDelete" : "RollingUpdate" } : {}),
    ...(Object.keys(rollingUpdate).length > 0 ? { rollingUpdate } : {}),
  };
}

function specFromV1beta1(spec: CloneSetSpecV1beta1, metadata: ObjectMeta): CloneSetSpec {
  const { scaleStrategy, updateStrategy, ...same } = spec;
  const out: CloneSetSpec = same;
  const { enablePVCReuse, excludePreparingDelete, ...scale } = scaleStrategy ?? {};
  const alphaScale: CloneSetScaleStrategy = {
    ...scale,
    ...(enablePVCReuse === true ? {} : { disablePVCReuse: true }),
  };
  // Empty means the same as absent here (reuse is v1alpha1's default), and the exact v1alpha1 form comes back.
  if (Object.keys(alphaScale).length > 0) out.scaleStrategy = alphaScale;
  if (excludePreparingDelete === true)
    metadata.labels = { ...metadata.labels, [CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL]: "true" };
  else if (
    excludePreparingDelete === false &&
    metadata.labels?.[CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL] === "true"
  ) {
    const { [CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL]: _dropped, ...labels } = metadata.labels;
    metadata.labels = labels;
  }
  if (updateStrategy !== undefined) out.updateStrategy = updateFromV1beta1(updateStrategy, metadata);
  return out;
}

function updateFromV1beta1(
  update: CloneSetUpdateStrategyV1beta1,
  metadata: ObjectMeta,
): CloneSetUpdateStrategy {
  const { type, rollingUpdate } = update;
  const { podUpdatePolicy, inPlaceUpdateStrategy, ...rolling } = rollingUpdate ?? {};
  const out: CloneSetUpdateStrategy = {
    ...(type === "OnDelete"
      ? { type: "OnDelete" }
      : podUpdatePolicy !== undefined
        ? { type: podUpdatePolicy }
        : {}),
    ...rolling,
  };
  if (inPlaceUpdateStrategy !== undefined) {
    const {
      imagePreDownloadParallelism,
      imagePreDownloadTimeoutSeconds,
      imagePreDownloadMinUpdatedReadyPods,
      ...inPlace
    } = inPlaceUpdateStrategy;
    const fields: Record<string, number | string | undefined> = {
      imagePreDownloadParallelism,
      imagePreDownloadTimeoutSeconds,
      imagePreDownloadMinUpdatedReadyPods,
    };
    const preDownload: Record<string, string> = {};
    let carried = false;
    for (const [key, field, parse] of PRE_DOWNLOAD_ANNOTATIONS) {
      const value = fields[field];
      if (value === undefined) continue;
      carried = true;
      // An annotation already saying the same ("08" for 8) is kept as written, so a round trip changes nothing.
      const existing = metadata.annotations?.[key];
      if (existing === undefined || existing === "" || parse(existing) !== value)
        preDownload[key] = String(value);
    }
    if (Object.keys(preDownload).length > 0)
      metadata.annotations = { ...metadata.annotations, ...preDownload };
    // An in-place strategy that only carried pre-download fields has nothing left for v1alpha1's field.
    if (Object.keys(inPlace).length > 0 || !carried) out.inPlaceUpdateStrategy = inPlace;
  }
  return out;
}

function preDownloadFromAnnotations(
  annotations: Record<string, string> | undefined,
): PreDownload | undefined {
  const out: Record<string, number | string> = {};
  for (const [key, field, parse] of PRE_DOWNLOAD_ANNOTATIONS) {
    const raw = annotations?.[key];
    const value = raw === undefined || raw === "" ? undefined : parse(raw);
    if (value !== undefined) out[field] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Kubernetes' intstr.Parse: an integer when the whole string is one, else the string. */
function parseIntOrString(raw: string): number | string {
  return /^-?\d+$/.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
}

/** A 32-bit integer, or nothing (an unparsable annotation stays an annotation and has no field). */
function parseInt32(raw: string): number | undefined {
  if (!/^[+-]?\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}
