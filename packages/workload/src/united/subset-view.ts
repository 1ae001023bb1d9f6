// What the UnitedDeployment controller reads from one existing subset workload and its pods (OpenKruise's
// SubsetControl.convertToSubset plus the adaptive strategy's pending-pod check).
import { SUBSET_NAME_LABEL, SUBSET_PATCH_ANNOTATION, UNITED_DEPLOYMENT_REVISION_LABEL } from "@kruise/api";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseKubeTime } from "@kruise/sdk";
import { isPodActive, isPodReady } from "../availability/index.ts";
import { scaleIntOrString, type IntOrString } from "../intstr/index.ts";
import type { SubsetWorkloadObject, SubsetWorkloadType } from "./subset-workload.ts";

export interface SubsetView {
  /** The workload as cached. */
  readonly object: SubsetWorkloadObject;
  /** Its `apps.kruise.io/subset-name` label. */
  readonly subsetName: string;
  readonly specReplicas: number;
  /** The partition in its spec; undefined for a Deployment (it has none). */
  readonly specPartition: number | undefined;
  /** Its `apps.kruise.io/controller-revision-hash` label: the UnitedDeployment revision it was written for. */
  readonly revision: string | undefined;
  /** Its `apps.kruise.io/subset-patch` annotation. */
  readonly patch: string | undefined;
  readonly statusReplicas: number;
  readonly statusReadyReplicas: number;
  /** Active pods labelled with the updated UnitedDeployment revision, and those of them Ready. */
  readonly updatedReplicas: number;
  readonly updatedReadyReplicas: number;
}

/** The subset name of a workload; undefined for one without the label (OpenKruise skips those). */
export function subsetNameOf(obj: SubsetWorkloadObject): string | undefined {
  const name = obj.metadata?.labels?.[SUBSET_NAME_LABEL];
  return name === undefined || name === "" ? undefined : name;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

function specPartitionOf(type: SubsetWorkloadType, obj: SubsetWorkloadObject): number | undefined {
  const strategy = obj.spec?.["updateStrategy"] as Record<string, unknown> | undefined;
  if (type === "Deployment") return undefined;
  if (type === "CloneSet") {
    const partition = strategy?.["partition"] as IntOrString | undefined;
    if (partition === undefined) return 0;
    try {
      return scaleIntOrString(partition, obj.spec?.replicas ?? 1, true, "spec.updateStrategy.partition");
    } catch {
      return 0;
    }
  }
  const rolling = strategy?.["rollingUpdate"] as Record<string, unknown> | undefined;
  return num(rolling?.["partition"]);
}

/**
 * The view of one subset workload. `pods` are the pods it selects (any state); `updatedRevision` is the
 * UnitedDeployment revision pods must carry to count as updated.
 */
export function viewSubset(
  type: SubsetWorkloadType,
  obj: SubsetWorkloadObject,
  pods: readonly Pod[],
  updatedRevision: string,
): SubsetView | undefined {
  const subsetName = subsetNameOf(obj);
  if (subsetName === undefined) return undefined;
  let updated = 0;
  let updatedReady = 0;
  for (const pod of pods) {
    if (pod.metadata?.labels?.[UNITED_DEPLOYMENT_REVISION_LABEL] !== updatedRevision || !isPodActive(pod))
      continue;
    updated++;
    if (isPodReady(pod)) updatedReady++;
  }
  return {
    object: obj,
    subsetName,
    specReplicas: num(obj.spec?.replicas),
    specPartition: specPartitionOf(type, obj),
    revision: obj.metadata?.labels?.[UNITED_DEPLOYMENT_REVISION_LABEL],
    patch: obj.metadata?.annotations?.[SUBSET_PATCH_ANNOTATION],
    statusReplicas: num(obj.status?.["replicas"]),
    statusReadyReplicas: num(obj.status?.["readyReplicas"]),
    updatedReplicas: updated,
    updatedReadyReplicas: updatedReady,
  };
}

/** Why a subset needs a write, or undefined when it already is what the UnitedDeployment asks (converged). */
export function subsetUpdateReason(
  view: SubsetView,
  next: {
    readonly revision: string;
    readonly replicas: number;
    readonly partition: number;
    readonly patch: string;
  },
): "revision" | "replicas" | "partition" | "patch" | undefined {
  if (view.revision !== next.revision) return "revision";
  if (view.specReplicas !== next.replicas) return "replicas";
  if (view.specPartition !== undefined && view.specPartition !== next.partition) return "partition";
  if ((view.patch ?? "") !== next.patch) return "patch";
  return undefined;
}

/**
 * Adaptive scheduling: whether a pod has waited for a node longer than `criticalMs` (Pending, unbound, and
 * `PodScheduled=False` with reason Unschedulable, counted from its creation), and if not yet, in how many ms it
 * would (undefined when it is not waiting for a node at all).
 */
export function pendingTimeout(
  pod: Pod,
  criticalMs: number,
  now: number,
): { readonly timedOut: boolean; readonly checkAfterMs: number | undefined } {
  if (
    pod.metadata?.deletionTimestamp !== undefined ||
    pod.status?.phase !== "Pending" ||
    (pod.spec?.nodeName ?? "") !== ""
  )
    return { timedOut: false, checkAfterMs: undefined };
  const unschedulable = pod.status.conditions?.some(
    (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
  );
  if (unschedulable !== true) return { timedOut: false, checkAfterMs: undefined };
  const due = (parseKubeTime(pod.metadata?.creationTimestamp) ?? now) + criticalMs;
  // Due now counts as timed out: "check again in 0 ms" is no moment a caller can wait for.
  return due <= now
    ? { timedOut: true, checkAfterMs: undefined }
    : { timedOut: false, checkAfterMs: due - now };
}
