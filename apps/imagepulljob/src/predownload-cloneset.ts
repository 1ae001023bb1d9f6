// CloneSet's pre-download (gate PreDownloadImageForInPlaceUpdate): an in-place revision held back by a partition or
// by maxUnavailable, once enough updated pods are ready.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { CloneSetKind, type CloneSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { calculateInPlaceUpdate, partitionReplicas, scaleIntOrString } from "@kruise/workload";
import {
  annotationInt,
  MINIMUM_REPLICAS_TO_PREDOWNLOAD,
  PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION,
  type PredownloadAdapter,
  type PredownloadPlan,
  type RolloutState,
  templateOf,
} from "./predownload.ts";

/** Revisions by the names in status: current → update. */
function rollout(cs: ReadOnly<CloneSet>, revisions: readonly ReadOnly<ControllerRevision>[]): RolloutState {
  const currentName = cs.status?.currentRevision;
  const updateName = cs.status?.updateRevision;
  if (currentName === undefined || updateName === undefined) return "unknown";
  if (currentName === updateName) return "finished";
  const current = revisions.find((r) => r.metadata?.name === currentName);
  const update = revisions.find((r) => r.metadata?.name === updateName);
  return current === undefined || update === undefined ? "unknown" : { update, old: [current] };
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
  try {
    const partition = partitionReplicas(strategy.partition, replicas);
    const maxUnavailable = scaleIntOrString(
      strategy.maxUnavailable ?? "20%",
      replicas,
      false,
      "maxUnavailable",
    );
    if (partition === 0 && maxUnavailable >= replicas) return { ignore: "every pod updates in one batch" };
  } catch (err) {
    return { ignore: (err as Error).message };
  }
  if ((cs.status?.updatedReadyReplicas ?? 0) < annotationInt(cs, PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION, 0))
    return "wait";
  const from = old[0];
  const diff = calculateInPlaceUpdate(from === undefined ? undefined : templateOf(from), templateOf(update), {
    revision: update.metadata?.name ?? "",
  });
  if (!diff.inPlace) return { ignore: `cannot update in place: ${diff.reason}` };
  if (Object.keys(diff.spec.containerImages).length === 0) return { ignore: "no image changed" };
  return { images: diff.spec.containerImages };
}

export const cloneSetPredownload: PredownloadAdapter<CloneSet> = {
  kind: CloneSetKind,
  gate: "PreDownloadImageForInPlaceUpdate",
  rollout,
  plan: cloneSetPlan,
};
