// CloneSet's pre-download (gate PreDownloadImageForInPlaceUpdate): an in-place revision held back by a partition or
// by maxUnavailable, once enough updated pods are ready.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { CloneSetKind, type CloneSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { calculateInPlaceUpdate, partitionReplicas } from "@kruise/workload";
import {
  annotationInt,
  currentToUpdateRollout,
  imagesPlan,
  MINIMUM_REPLICAS_TO_PREDOWNLOAD,
  oneBatchPlan,
  PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION,
  type PredownloadAdapter,
  type PredownloadPlan,
  type RolloutState,
  templateOf,
} from "./predownload.ts";

/** Revisions by the names in status: current → update. */
function rollout(cs: ReadOnly<CloneSet>, revisions: readonly ReadOnly<ControllerRevision>[]): RolloutState {
  return currentToUpdateRollout(cs.status, revisions);
}

/** Container name → new image when this CloneSet should pre-download `update` now; OpenKruise's conditions. */
export function cloneSetPlan(
  cs: ReadOnly<CloneSet>,
  update: ReadOnly<ControllerRevision>,
  old: readonly ReadOnly<ControllerRevision>[],
): PredownloadPlan {
  const strategy = cs.spec?.updateStrategy;
  if (strategy?.type !== "InPlaceIfPossible" && strategy?.type !== "InPlaceOnly")
    return { ignore: `update type ${strategy?.type ?? "ReCreate"} does not update in place` };
  const replicas = cs.spec?.replicas ?? 1;
  if (replicas <= MINIMUM_REPLICAS_TO_PREDOWNLOAD)
    return { ignore: `replicas ${replicas} <= ${MINIMUM_REPLICAS_TO_PREDOWNLOAD}` };
  const oneBatch = oneBatchPlan(
    replicas,
    () => partitionReplicas(strategy.partition, replicas),
    strategy.maxUnavailable ?? "20%",
    "pod",
  );
  if (oneBatch !== undefined) return oneBatch;
  if ((cs.status?.updatedReadyReplicas ?? 0) < annotationInt(cs, PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION, 0))
    return "wait";
  const from = old[0];
  const diff = calculateInPlaceUpdate(from === undefined ? undefined : templateOf(from), templateOf(update), {
    revision: update.metadata?.name ?? "",
  });
  if (!diff.inPlace) return { ignore: `cannot update in place: ${diff.reason}` };
  return imagesPlan(diff.spec.containerImages);
}

export const cloneSetPredownload: PredownloadAdapter<CloneSet> = {
  kind: CloneSetKind,
  gate: "PreDownloadImageForInPlaceUpdate",
  rollout,
  plan: cloneSetPlan,
};
