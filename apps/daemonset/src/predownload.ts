import type { DaemonSet, ImagePredownloadRequest } from "@kruise/api";
import { CONTROLLER_REVISION_HASH_LABEL, imagePredownloadRequestedId } from "@kruise/api";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { calculateInPlaceUpdate, templateFromRevision, type DaemonStrategy } from "@kruise/workload";
import type { DaemonSetDeps } from "./deps.ts";
import { DaemonSetBusEvent, daemonSetEvent } from "./events.ts";
import { revisionHash } from "./revisions.ts";

/**
 * OpenKruise's image pre-download for DaemonSet updates, as the same bus request CloneSet sends: when a new
 * InPlaceIfPossible revision only changes images and a partition holds nodes back, ask the ImagePullJob controller
 * to pull the new images on the nodes whose pods are still old. Sent once per revision (the first reconcile that
 * records it in status; a retry has the same id and is deduplicated).
 */
export function requestImagePredownload(
  deps: DaemonSetDeps,
  ds: DaemonSet,
  strategy: DaemonStrategy,
  hash: string,
  old: readonly ControllerRevision[],
  pods: readonly Pod[],
): void {
  if (deps.publish === undefined || strategy.type !== "RollingUpdate") return;
  if (strategy.rollingUpdateType !== "InPlaceIfPossible" || strategy.partition <= 0) return;
  if (ds.status?.daemonSetHash === hash) return;
  // The old revision: the one most of the not-yet-updated pods carry.
  const counts = new Map<string, number>();
  for (const p of pods) {
    const h = p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    if (h !== undefined && h !== hash) counts.set(h, (counts.get(h) ?? 0) + 1);
  }
  const oldHash = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const from = old.find((r) => revisionHash(r) === oldHash);
  if (from === undefined) return;
  const diff = calculateInPlaceUpdate(templateFromRevision(from), ds.spec?.template, { revision: hash });
  if (!diff.inPlace || Object.keys(diff.spec.containerImages).length === 0) return;
  const data: ImagePredownloadRequest = {
    revision: hash,
    images: diff.spec.containerImages,
    podSelector: {
      matchLabels: { ...(ds.spec?.selector.matchLabels ?? {}) },
      matchExpressions: [{ key: CONTROLLER_REVISION_HASH_LABEL, operator: "NotIn", values: [hash] }],
    },
    partition: strategy.partition,
  };
  const event = daemonSetEvent(ds, DaemonSetBusEvent.ImagePredownloadRequested, [], { ...data });
  deps.publish({ ...event, id: imagePredownloadRequestedId(ds.metadata?.uid ?? "", hash) });
}
