// CloneSet image pre-download (gate PreDownloadImageForInPlaceUpdate, off by default, as in OpenKruise): while a
// new in-place revision is held back by a partition, one ImagePullJob per changed container, owned by the
// CloneSet, pulls the new image on the nodes of the pods still on other revisions. Level-triggered on the CloneSet;
// the CloneSet controller's image-predownload-requested event only wakes it sooner.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { CloneSetKind, ImagePullJobKind, type CloneSet, type ImagePullJob } from "@kruise/api";
import {
  ControllerRevisionKind,
  controllerRef,
  isAlreadyExists,
  isNotFound,
  type ReadOnly,
  type Reconciler,
  thaw,
} from "@kruise/sdk";
import {
  calculateInPlaceUpdate,
  partitionReplicas,
  scaleIntOrString,
  templateFromRevision,
} from "@kruise/workload";

export const PREDOWNLOAD_PARALLELISM_ANNOTATION = "apps.kruise.io/image-predownload-parallelism";
export const PREDOWNLOAD_TIMEOUT_ANNOTATION = "apps.kruise.io/image-predownload-timeout-seconds";
export const PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION =
  "apps.kruise.io/image-predownload-min-updated-ready-pods";
/** On the ControllerRevision: the jobs of this revision were created. */
export const PREDOWNLOAD_CREATED_LABEL = "apps.kruise.io/pre-predownload-created";
const REVISION_HASH_LABEL = "controller-revision-hash";

function annotationInt(cs: ReadOnly<CloneSet>, key: string, fallback: number): number {
  const raw = cs.metadata?.annotations?.[key];
  const value = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

/** Container name → new image, when this CloneSet should pre-download now; undefined otherwise. */
export function imagesToPredownload(
  cs: ReadOnly<CloneSet>,
  current: ReadOnly<ControllerRevision> | undefined,
  update: ReadOnly<ControllerRevision> | undefined,
): Record<string, string> | undefined {
  const strategy = cs.spec?.updateStrategy;
  if (strategy?.type !== "InPlaceIfPossible" && strategy?.type !== "InPlaceOnly") return undefined;
  const replicas = cs.spec?.replicas ?? 1;
  if (replicas <= 3) return undefined;
  if (current === undefined || update === undefined || current.metadata?.name === update.metadata?.name)
    return undefined;
  if (update.metadata?.labels?.[PREDOWNLOAD_CREATED_LABEL] !== undefined) return undefined;
  try {
    const partition = partitionReplicas(strategy.partition, replicas);
    const maxUnavailable = scaleIntOrString(
      strategy.maxUnavailable ?? "20%",
      replicas,
      false,
      "maxUnavailable",
    );
    if (partition === 0 && maxUnavailable >= replicas) return undefined; // everything updates in one batch
  } catch {
    return undefined;
  }
  if ((cs.status?.updatedReadyReplicas ?? 0) < annotationInt(cs, PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION, 0))
    return undefined;
  const diff = calculateInPlaceUpdate(
    templateFromRevision(thaw<ControllerRevision>(current)),
    templateFromRevision(thaw<ControllerRevision>(update)),
    { revision: update.metadata?.name ?? "" },
  );
  if (!diff.inPlace || Object.keys(diff.spec.containerImages).length === 0) return undefined;
  return diff.spec.containerImages;
}

/** The job for one container: `<revision name>-<container>`, owned by the CloneSet. */
export function predownloadJob(
  cs: ReadOnly<CloneSet>,
  revision: string,
  container: string,
  image: string,
): ImagePullJob {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "ImagePullJob",
    metadata: {
      name: `${revision}-${container}`.slice(0, 253),
      namespace: cs.metadata?.namespace ?? "",
      labels: { ...(cs.spec?.template.metadata?.labels ?? {}) },
      ownerReferences: [controllerRef(CloneSetKind, cs)],
    },
    spec: {
      image,
      parallelism: annotationInt(cs, PREDOWNLOAD_PARALLELISM_ANNOTATION, 1),
      podSelector: {
        matchLabels: { ...(cs.spec?.selector.matchLabels ?? {}) },
        matchExpressions: [
          ...(cs.spec?.selector.matchExpressions ?? []).map((e) => ({
            key: e.key,
            operator: e.operator as "In" | "NotIn" | "Exists" | "DoesNotExist",
            ...(e.values === undefined ? {} : { values: [...e.values] }),
          })),
          { key: REVISION_HASH_LABEL, operator: "NotIn", values: [revision] },
        ],
      },
      pullPolicy: { timeoutSeconds: annotationInt(cs, PREDOWNLOAD_TIMEOUT_ANNOTATION, 300), backoffLimit: 1 },
      completionPolicy: { type: "Always", ttlSecondsAfterFinished: 600 },
    },
  };
}

export const reconcilePredownload: Reconciler = async ({ namespace, name }, { cache, client, log }) => {
  const cs = cache.get(CloneSetKind, namespace, name);
  if (cs === undefined) return;
  const owned = cache
    .list(ImagePullJobKind, { namespace })
    .filter((job) =>
      job.metadata?.ownerReferences?.some((o) => o.controller === true && o.uid === cs.metadata?.uid),
    );
  const currentName = cs.status?.currentRevision;
  const updateName = cs.status?.updateRevision;
  if (currentName !== undefined && currentName === updateName) {
    // The rollout finished: the jobs have nothing left to do.
    for (const job of owned)
      await client
        .delete(ImagePullJobKind, job.metadata?.name ?? "", namespace, {
          preconditions: { uid: job.metadata?.uid ?? "" },
        })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    return;
  }
  if (updateName === undefined || currentName === undefined) return;
  const current = cache.get(ControllerRevisionKind, namespace, currentName);
  const update = cache.get(ControllerRevisionKind, namespace, updateName);
  const images = imagesToPredownload(cs, current, update);
  if (images === undefined) return;
  for (const [container, image] of Object.entries(images)) {
    const job = predownloadJob(cs, updateName, container, image);
    try {
      await client.create(ImagePullJobKind, job);
      log.info({ job: job.metadata?.name, image }, "created an ImagePullJob to pre-download a new image");
    } catch (err) {
      if (!isAlreadyExists(err)) throw err; // a retry after a crash finds its job there
    }
  }
  await client.patch(ControllerRevisionKind, updateName, namespace, "merge", {
    metadata: { labels: { [PREDOWNLOAD_CREATED_LABEL]: "true" } },
  });
};
