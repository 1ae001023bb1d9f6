// Advanced DaemonSet's pre-download (gate PreDownloadImageForDaemonSetUpdate, as in OpenKruise): any rollout that does
// not update every node in one batch pre-pulls the new images on the nodes whose pods are not on the new revision. It
// does not ask for in place (a recreated pod pulls its image too) and, like OpenKruise, reads
// image-predownload-min-updated-ready-pods but does not wait for it.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { CONTROLLER_REVISION_HASH_LABEL, DaemonSetKind, type DaemonSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import {
  changedImages,
  imagesPlan,
  oneBatchPlan,
  type PredownloadAdapter,
  type PredownloadPlan,
  type RolloutState,
} from "./predownload.ts";

/**
 * A DaemonSet tracks no current revision: the update revision is the one whose hash status names, every other one is
 * old, and the rollout is finished when every desired node runs an updated pod.
 */
function rollout(ds: ReadOnly<DaemonSet>, revisions: readonly ReadOnly<ControllerRevision>[]): RolloutState {
  const status = ds.status;
  const hash = status?.daemonSetHash ?? status?.updateRevision;
  if (hash === undefined || (status?.observedGeneration ?? 0) < (ds.metadata?.generation ?? 0))
    return "unknown";
  if ((status?.updatedNumberScheduled ?? 0) === (status?.desiredNumberScheduled ?? 0)) return "finished";
  const update = revisions.find((r) => r.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash);
  if (update === undefined) return "unknown";
  return { update, old: revisions.filter((r) => r !== update) };
}

export function daemonSetPlan(
  ds: ReadOnly<DaemonSet>,
  update: ReadOnly<ControllerRevision>,
  old: readonly ReadOnly<ControllerRevision>[],
): PredownloadPlan {
  const nodes = ds.status?.desiredNumberScheduled ?? 0;
  const rolling = ds.spec?.updateStrategy?.rollingUpdate;
  return (
    oneBatchPlan(nodes, () => rolling?.partition ?? 0, rolling?.maxUnavailable ?? 1, "node") ??
    imagesPlan(changedImages(update, old))
  );
}

export const daemonSetPredownload: PredownloadAdapter<DaemonSet> = {
  kind: DaemonSetKind,
  gate: "PreDownloadImageForDaemonSetUpdate",
  rollout,
  plan: daemonSetPlan,
};
