// What one subset workload of a UnitedDeployment looks like: the template of its kind with the subset's name,
// revision, replicas, partition, node placement and patch applied (OpenKruise's adapters' ApplySubsetTemplate).
import {
  SUBSET_NAME_LABEL,
  SUBSET_PATCH_ANNOTATION,
  UNITED_DEPLOYMENT_REVISION_LABEL,
  type Subset,
  type UnitedDeployment,
} from "@kruise/api";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { NodeSelectorTerm, PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1.js";
import { cloneJson } from "../util/json.ts";
import { strategicMerge } from "./strategic-merge.ts";

/** The four workload kinds a UnitedDeployment can run per subset, named as OpenKruise names them. */
export type SubsetWorkloadType = "StatefulSet" | "AdvancedStatefulSet" | "CloneSet" | "Deployment";

/** The field of `spec.template` each type is declared by. */
export const SUBSET_TEMPLATE_FIELDS = {
  StatefulSet: "statefulSetTemplate",
  AdvancedStatefulSet: "advancedStatefulSetTemplate",
  CloneSet: "cloneSetTemplate",
  Deployment: "deploymentTemplate",
} as const satisfies Record<SubsetWorkloadType, string>;

/** apiVersion and kind of each type's workload objects. */
export const SUBSET_WORKLOAD_GVK = {
  StatefulSet: { apiVersion: "apps/v1", kind: "StatefulSet" },
  AdvancedStatefulSet: { apiVersion: "apps.kruise.io/v1beta1", kind: "StatefulSet" },
  CloneSet: { apiVersion: "apps.kruise.io/v1alpha1", kind: "CloneSet" },
  Deployment: { apiVersion: "apps/v1", kind: "Deployment" },
} as const satisfies Record<SubsetWorkloadType, { apiVersion: string; kind: string }>;

export const SUBSET_WORKLOAD_TYPES: readonly SubsetWorkloadType[] = [
  "StatefulSet",
  "AdvancedStatefulSet",
  "CloneSet",
  "Deployment",
];

/** The type the UnitedDeployment's template declares; OpenKruise checks them in this order. */
export function subsetWorkloadType(ud: UnitedDeployment): SubsetWorkloadType | undefined {
  const t = ud.spec?.template;
  return SUBSET_WORKLOAD_TYPES.find((type) => t?.[SUBSET_TEMPLATE_FIELDS[type]] !== undefined);
}

/** A subset workload as this module reads and writes it: any of the four kinds. */
export interface SubsetWorkloadObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    [key: string]: unknown;
  };
  spec?: Record<string, unknown> & { replicas?: number; template?: PodTemplateSpec };
  status?: Record<string, unknown>;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `generateName` of a subset workload: `<ud>-<subset>-`, or `<ud>-` when that is no valid name prefix (a
 * generated name adds 5 characters, so the prefix is checked as Kubernetes checks prefixes: without its dash).
 */
export function subsetNamePrefix(udName: string, subsetName: string): string {
  const prefix = `${udName}-${subsetName}-`;
  const base = prefix.slice(0, -1);
  return base.length <= 253 && DNS_SUBDOMAIN.test(base) ? prefix : `${udName}-`;
}

/** The subset's `nodeSelectorTerm.matchExpressions` ANDed into every required node selector term of the pod. */
export function attachSubsetNodeAffinity(spec: PodSpec, term: NodeSelectorTerm | undefined): void {
  const expressions = term?.matchExpressions ?? [];
  if (expressions.length === 0) return;
  spec.affinity ??= {};
  spec.affinity.nodeAffinity ??= {};
  spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ??= { nodeSelectorTerms: [] };
  const required = spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
  if (required.nodeSelectorTerms.length === 0) required.nodeSelectorTerms.push({});
  required.nodeSelectorTerms = required.nodeSelectorTerms.map((t) => ({
    ...t,
    matchExpressions: [...(t.matchExpressions ?? []), ...cloneJson(expressions)],
  }));
}

/** The subset's tolerations appended to the pod's. */
export function attachSubsetTolerations(spec: PodSpec, tolerations: readonly Toleration[] | undefined): void {
  if (tolerations === undefined) return;
  spec.tolerations = [...(spec.tolerations ?? []), ...cloneJson([...tolerations])];
}

export interface SubsetWorkloadInput {
  readonly ud: UnitedDeployment;
  readonly type: SubsetWorkloadType;
  readonly subsetName: string;
  /** The UnitedDeployment revision name the subset runs. */
  readonly revision: string;
  readonly replicas: number;
  readonly partition: number;
  /** The controller reference to the UnitedDeployment. */
  readonly owner: OwnerReference;
}

/** The subset patch as OpenKruise records it in `apps.kruise.io/subset-patch`: the raw JSON, "" when none. */
export function subsetPatchAnnotation(subset: Subset | undefined): string {
  return subset?.patch === undefined || subset.patch === null ? "" : JSON.stringify(subset.patch);
}

/**
 * The subset workload to write: `existing` (when updating) with the template's labels and annotations merged in,
 * the UnitedDeployment's selector labels, the revision and subset-name labels, the controller reference, and a spec
 * that is the template's spec with the subset's selector, replicas, partition, node affinity, tolerations and patch.
 *
 * Guarantees: `existing` is not modified; its name, resourceVersion and other metadata are kept.
 * Caveats: throws `StrategicMergeError` for a patch that cannot apply, and when the subset is not declared.
 */
export function applySubsetTemplate(
  input: SubsetWorkloadInput,
  existing?: SubsetWorkloadObject,
): SubsetWorkloadObject {
  const { ud, type, subsetName, revision } = input;
  const template = ud.spec?.template?.[SUBSET_TEMPLATE_FIELDS[type]];
  if (template === undefined) throw new Error(`spec.template.${SUBSET_TEMPLATE_FIELDS[type]} is not set`);
  const subset = ud.spec?.topology?.subsets?.find((s) => s.name === subsetName);
  if (subset === undefined) throw new Error(`subset ${subsetName} is not in spec.topology.subsets`);
  const obj: SubsetWorkloadObject = existing !== undefined ? cloneJson(existing) : {};
  const gvk = SUBSET_WORKLOAD_GVK[type];
  obj.apiVersion = gvk.apiVersion;
  obj.kind = gvk.kind;
  const meta = (obj.metadata ??= {});
  meta.namespace = ud.metadata?.namespace ?? "";
  if (meta.name === undefined) meta.generateName = subsetNamePrefix(ud.metadata?.name ?? "", subsetName);
  meta.labels = {
    ...(meta.labels ?? {}),
    ...(template.metadata?.labels ?? {}),
    ...(ud.spec?.selector.matchLabels ?? {}),
    [UNITED_DEPLOYMENT_REVISION_LABEL]: revision,
    [SUBSET_NAME_LABEL]: subsetName,
  };
  meta.annotations = { ...(meta.annotations ?? {}), ...(template.metadata?.annotations ?? {}) };
  meta.ownerReferences = [
    ...(meta.ownerReferences ?? []).filter((r) => r.controller !== true),
    { ...input.owner },
  ];

  const spec = cloneJson(template.spec) as unknown as Record<string, unknown> & {
    template?: PodTemplateSpec;
    updateStrategy?: Record<string, unknown>;
  };
  const selector = cloneJson(ud.spec?.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [SUBSET_NAME_LABEL]: subsetName };
  spec["selector"] = selector;
  spec["replicas"] = input.replicas;
  setPartition(type, spec, input.partition);

  let podTemplate: PodTemplateSpec = spec.template ?? {};
  podTemplate.metadata ??= {};
  podTemplate.metadata.labels = {
    ...(podTemplate.metadata.labels ?? {}),
    [SUBSET_NAME_LABEL]: subsetName,
    [UNITED_DEPLOYMENT_REVISION_LABEL]: revision,
  };
  podTemplate.spec ??= { containers: [] };
  attachSubsetNodeAffinity(podTemplate.spec, subset.nodeSelectorTerm);
  attachSubsetTolerations(podTemplate.spec, subset.tolerations);
  if (subset.patch !== undefined && subset.patch !== null)
    podTemplate = strategicMerge(podTemplate, subset.patch);
  spec.template = podTemplate;
  obj.spec = spec;
  meta.annotations[SUBSET_PATCH_ANNOTATION] = subsetPatchAnnotation(subset);
  return obj;
}

/** Where each type keeps its partition: CloneSet `updateStrategy.partition`, StatefulSets `rollingUpdate.partition`. */
function setPartition(
  type: SubsetWorkloadType,
  spec: Record<string, unknown> & { updateStrategy?: Record<string, unknown> },
  partition: number,
): void {
  if (type === "Deployment") return; // a Deployment has no partition
  const strategy = (spec.updateStrategy ??= {});
  if (type === "CloneSet") {
    strategy["partition"] = partition;
    return;
  }
  // Only a rolling update has a partition; "" is RollingUpdate (OpenKruise's webhook does not default it).
  const kind = strategy["type"];
  if (kind !== undefined && kind !== "" && kind !== "RollingUpdate") return;
  strategy["type"] = "RollingUpdate";
  const rolling = (strategy["rollingUpdate"] ??= {}) as Record<string, unknown>;
  rolling["partition"] = partition;
}
