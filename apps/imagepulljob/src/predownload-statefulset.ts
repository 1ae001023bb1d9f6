// Advanced StatefulSet's pre-download (gate PreDownloadImageForInPlaceUpdate, as in OpenKruise): a RollingUpdate with
// an in-place podUpdatePolicy, more than 3 replicas, not everything in one batch, once enough updated pods are ready.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { StatefulSetKind, type StatefulSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { calculateInPlaceUpdate, scaleIntOrString } from "@kruise/workload";
import {
  changedImages,
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

/** Revisions by the names in status, once status has observed the spec: current → update. */
function rollout(
  sts: ReadOnly<StatefulSet>,
  revisions: readonly ReadOnly<ControllerRevision>[],
): RolloutState {
  if ((sts.status?.observedGeneration ?? 0) < (sts.metadata?.generation ?? 0)) return "unknown";
  return currentToUpdateRollout(sts.status, revisions);
}

/** The updated pods that must be Ready first: the annotation, an integer or a percentage of replicas (rounded up). */
function minUpdatedReady(sts: ReadOnly<StatefulSet>, replicas: number): number {
  const raw = sts.metadata?.annotations?.[PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION];
  if (raw === undefined) return 0;
  try {
    return scaleIntOrString(/^\d+$/.test(raw) ? Number(raw) : raw, replicas, true, "min-updated-ready-pods");
  } catch {
    return 0; // OpenKruise logs the parse error and goes on with 0
  }
}

export function statefulSetPlan(
  sts: ReadOnly<StatefulSet>,
  update: ReadOnly<ControllerRevision>,
  old: readonly ReadOnly<ControllerRevision>[],
): PredownloadPlan {
  const replicas = sts.spec?.replicas ?? 1;
  if ((sts.status?.updatedReadyReplicas ?? 0) < minUpdatedReady(sts, replicas)) return "wait";
  const strategy = sts.spec?.updateStrategy;
  const rolling = strategy?.rollingUpdate;
  if (
    strategy?.type === "OnDelete" ||
    rolling === undefined ||
    (rolling.podUpdatePolicy ?? "ReCreate") === "ReCreate"
  )
    return { ignore: "the update is OnDelete or recreates pods" };
  if (replicas <= MINIMUM_REPLICAS_TO_PREDOWNLOAD)
    return { ignore: `replicas ${replicas} <= ${MINIMUM_REPLICAS_TO_PREDOWNLOAD}` };
  const oneBatch = oneBatchPlan(replicas, () => rolling.partition ?? 0, rolling.maxUnavailable ?? 1, "pod");
  if (oneBatch !== undefined) return oneBatch;
  const current = old[0];
  const diff = calculateInPlaceUpdate(
    current === undefined ? undefined : templateOf(current),
    templateOf(update),
    {
      revision: update.metadata?.name ?? "",
      ...(rolling.inPlaceUpdateStrategy?.gracePeriodSeconds === undefined
        ? {}
        : { gracePeriodSeconds: rolling.inPlaceUpdateStrategy.gracePeriodSeconds }),
    },
  );
  if (!diff.inPlace) return { ignore: `cannot update in place: ${diff.reason}` };
  return imagesPlan(changedImages(update, old));
}

export const statefulSetPredownload: PredownloadAdapter<StatefulSet> = {
  kind: StatefulSetKind,
  gate: "PreDownloadImageForInPlaceUpdate",
  rollout,
  plan: statefulSetPlan,
};
