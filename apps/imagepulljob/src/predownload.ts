// Image pre-download for workloads (CloneSet, Advanced StatefulSet, Advanced DaemonSet), as OpenKruise's workload
// controllers do it: while a new revision is rolling out in batches, one ImagePullJob per changed container, owned
// by the workload, pulls the new image on the nodes of the pods still on other revisions. Level-triggered on the
// workload and its revisions; the image-predownload-requested bus events only wake it sooner. What differs between
// kinds (where the rollout stands, when a revision qualifies) is one adapter per kind; the rest is here.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { CONTROLLER_REVISION_HASH_LABEL, ImagePullJobKind, type ImagePullJob, type Kind } from "@kruise/api";
import {
  ControllerRevisionKind,
  controllerRef,
  isAlreadyExists,
  isNotFound,
  type KubeObject,
  type ReadOnly,
  type Reconciler,
  thaw,
} from "@kruise/sdk";
import {
  CONTROLLER_REVISION_DATA_HASH_LABEL,
  type IntOrString,
  scaleIntOrString,
  templateFromRevision,
} from "@kruise/workload";

export const PREDOWNLOAD_PARALLELISM_ANNOTATION = "apps.kruise.io/image-predownload-parallelism";
export const PREDOWNLOAD_TIMEOUT_ANNOTATION = "apps.kruise.io/image-predownload-timeout-seconds";
export const PREDOWNLOAD_MIN_UPDATED_READY_ANNOTATION =
  "apps.kruise.io/image-predownload-min-updated-ready-pods";
/** On the ControllerRevision: the jobs of this revision were created. */
export const PREDOWNLOAD_CREATED_LABEL = "apps.kruise.io/pre-predownload-created";
/** On the ControllerRevision: this revision gets no pre-download (it updates in one batch, or not in place). */
export const PREDOWNLOAD_IGNORED_LABEL = "apps.kruise.io/image-predownload-ignored";
/** OpenKruise pre-downloads only for workloads of more replicas than this (CloneSet, StatefulSet). */
export const MINIMUM_REPLICAS_TO_PREDOWNLOAD = 3;

/** A workload with a pod selector and template: all three kinds. */
export type PredownloadWorkload = KubeObject & {
  spec?: { selector: LabelSelector; template: PodTemplateSpec };
};

/** Where a workload's rollout stands, as its own controller recorded it in status. */
export type RolloutState =
  /** Every pod is on the update revision: the jobs have nothing left to do. */
  | "finished"
  /** Status does not say yet (not observed, or the revision not in the cache yet): wait for the next change. */
  | "unknown"
  | { update: ReadOnly<ControllerRevision>; old: ReadOnly<ControllerRevision>[] };

/** What to do for an update revision not handled yet. */
export type PredownloadPlan =
  | { images: Record<string, string> }
  /** This revision gets no pre-download; the reason goes to the log, the revision is labelled ignored. */
  | { ignore: string }
  /** Not yet (too few updated pods ready): asked again at the workload's next change. */
  | "wait";

/** What differs between kinds. */
export interface PredownloadAdapter<T extends PredownloadWorkload = PredownloadWorkload> {
  readonly kind: Kind<T>;
  /** The feature gate that turns it on (OpenKruise's name). */
  readonly gate: "PreDownloadImageForInPlaceUpdate" | "PreDownloadImageForDaemonSetUpdate";
  rollout(workload: ReadOnly<T>, revisions: readonly ReadOnly<ControllerRevision>[]): RolloutState;
  plan(
    workload: ReadOnly<T>,
    update: ReadOnly<ControllerRevision>,
    old: readonly ReadOnly<ControllerRevision>[],
  ): PredownloadPlan;
}

/**
 * The rollout of a kind whose status names its current and update revisions (CloneSet, Advanced StatefulSet):
 * finished when both name the same one, else the update revision with the current one as the only old one.
 */
export function currentToUpdateRollout(
  status: { readonly currentRevision?: string; readonly updateRevision?: string } | undefined,
  revisions: readonly ReadOnly<ControllerRevision>[],
): RolloutState {
  const currentName = status?.currentRevision;
  const updateName = status?.updateRevision;
  if (currentName === undefined || updateName === undefined) return "unknown";
  if (currentName === updateName) return "finished";
  const current = revisions.find((r) => r.metadata?.name === currentName);
  const update = revisions.find((r) => r.metadata?.name === updateName);
  return current === undefined || update === undefined ? "unknown" : { update, old: [current] };
}

/**
 * OpenKruise pre-downloads nothing when every pod (DaemonSet: node) of `total` updates in one batch: no partition
 * and maxUnavailable covers them all. Returns that ignore plan, an ignore plan naming the field when the partition
 * (read first) or maxUnavailable does not parse, or undefined when the rollout goes in batches.
 */
export function oneBatchPlan(
  total: number,
  partition: () => number,
  maxUnavailable: IntOrString,
  unit: "pod" | "node",
): PredownloadPlan | undefined {
  try {
    const held = partition();
    const unavailable = scaleIntOrString(maxUnavailable, total, false, "maxUnavailable");
    return held === 0 && unavailable >= total ? { ignore: `every ${unit} updates in one batch` } : undefined;
  } catch (err) {
    return { ignore: (err as Error).message };
  }
}

/** The plan for the images `changedImages` found: none is an ignore plan. */
export function imagesPlan(images: Record<string, string>): PredownloadPlan {
  return Object.keys(images).length === 0 ? { ignore: "no image changed" } : { images };
}

/** A non-negative integer annotation of the workload, else `fallback`. */
export function annotationInt(workload: ReadOnly<KubeObject>, key: string, fallback: number): number {
  const raw = workload.metadata?.annotations?.[key];
  const value = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isInteger(value) && value >= 0 ? value : fallback;
}

export function templateOf(revision: ReadOnly<ControllerRevision>): PodTemplateSpec | undefined {
  return templateFromRevision(thaw<ControllerRevision>(revision));
}

/**
 * Container name → image of the update revision's containers whose image differs from (or is not in) the old
 * revisions: OpenKruise's diffImagesBetweenRevisions.
 */
export function changedImages(
  update: ReadOnly<ControllerRevision>,
  old: readonly ReadOnly<ControllerRevision>[],
): Record<string, string> {
  const next = templateOf(update);
  const before = old.map(templateOf);
  const images: Record<string, string> = {};
  for (const container of next?.spec?.containers ?? []) {
    const image = container.image ?? "";
    let found = false;
    for (const template of before) {
      const same = template?.spec?.containers.find((c) => c.name === container.name);
      if (same === undefined) continue;
      found = true;
      if (same.image !== image) images[container.name] = image;
    }
    if (!found) images[container.name] = image;
  }
  return images;
}

/** The values a pod of `revision` carries in controller-revision-hash: its name (CloneSet), or its hash. */
function revisionHashes(revision: ReadOnly<ControllerRevision>): string[] {
  const labels = revision.metadata?.labels ?? {};
  const values = [
    revision.metadata?.name ?? "",
    labels[CONTROLLER_REVISION_DATA_HASH_LABEL],
    labels[CONTROLLER_REVISION_HASH_LABEL],
  ];
  return [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))];
}

/**
 * The job for one container: `<revision name>-<container>`, owned by the workload, for the pods not on `update`:
 * OpenKruise's CreateJobForWorkload.
 */
export function predownloadJob<T extends PredownloadWorkload>(
  kind: Kind<T>,
  workload: ReadOnly<T>,
  update: ReadOnly<ControllerRevision>,
  container: string,
  image: string,
): ImagePullJob {
  const selector = workload.spec?.selector;
  const template = workload.spec?.template;
  const dataHash = update.metadata?.labels?.[CONTROLLER_REVISION_DATA_HASH_LABEL];
  const pullSecrets = (template?.spec?.imagePullSecrets ?? []).flatMap((s) =>
    s.name === undefined ? [] : [s.name],
  );
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "ImagePullJob",
    metadata: {
      name: `${update.metadata?.name ?? ""}-${container}`.slice(0, 253),
      namespace: workload.metadata?.namespace ?? "",
      // Whatever a workload owns matches its selector, as OpenKruise labels these jobs.
      labels: {
        ...(template?.metadata?.labels ?? {}),
        ...(dataHash === undefined ? {} : { [CONTROLLER_REVISION_DATA_HASH_LABEL]: dataHash }),
      },
      ownerReferences: [controllerRef(kind, thaw<T>(workload))],
    },
    spec: {
      image,
      parallelism: annotationInt(workload, PREDOWNLOAD_PARALLELISM_ANNOTATION, 1),
      ...(pullSecrets.length === 0 ? {} : { pullSecrets }),
      podSelector: {
        matchLabels: { ...(selector?.matchLabels ?? {}) },
        matchExpressions: [
          ...(selector?.matchExpressions ?? []).map((e) => ({
            key: e.key,
            operator: e.operator as "In" | "NotIn" | "Exists" | "DoesNotExist",
            ...(e.values === undefined ? {} : { values: [...e.values] }),
          })),
          { key: CONTROLLER_REVISION_HASH_LABEL, operator: "NotIn", values: revisionHashes(update) },
        ],
      },
      pullPolicy: {
        timeoutSeconds: annotationInt(workload, PREDOWNLOAD_TIMEOUT_ANNOTATION, 300),
        backoffLimit: 1,
      },
      completionPolicy: { type: "Always", ttlSecondsAfterFinished: 600 },
    },
  };
}

/**
 * The reconcile of one kind's pre-download. Guarantees: one job per changed container and revision (a create after
 * a crash finds its job: AlreadyExists), the revision labelled created or ignored afterwards so it is decided once,
 * and the workload's jobs deleted when its rollout finished. Converged, it writes nothing.
 */
export function predownloadReconciler<T extends PredownloadWorkload>(
  adapter: PredownloadAdapter<T>,
): Reconciler {
  return async ({ namespace, name }, { cache, client, log, recorder }) => {
    const workload = cache.get(adapter.kind, namespace, name);
    if (workload === undefined) return;
    const uid = workload.metadata?.uid;
    const ownedBy = (o: ReadOnly<KubeObject>) =>
      o.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === uid) === true;
    const state = adapter.rollout(
      workload,
      cache.list(ControllerRevisionKind, { namespace }).filter(ownedBy),
    );
    if (state === "unknown") return;
    if (state === "finished") {
      for (const job of cache.list(ImagePullJobKind, { namespace }).filter(ownedBy))
        await client
          .delete(ImagePullJobKind, job.metadata?.name ?? "", namespace, {
            preconditions: { uid: job.metadata?.uid ?? "" },
          })
          .catch((err: unknown) => {
            if (!isNotFound(err)) throw err;
          });
      return;
    }
    const { update, old } = state;
    const labels = update.metadata?.labels ?? {};
    if (labels[PREDOWNLOAD_CREATED_LABEL] !== undefined || labels[PREDOWNLOAD_IGNORED_LABEL] !== undefined)
      return;
    const plan = adapter.plan(workload, update, old);
    if (plan === "wait") return;
    const revision = update.metadata?.name ?? "";
    if ("ignore" in plan) {
      log.debug({ revision, reason: plan.ignore }, "no image pre-download for this revision");
      await labelRevision(client, update, PREDOWNLOAD_IGNORED_LABEL);
      return;
    }
    for (const [container, image] of Object.entries(plan.images)) {
      const job = predownloadJob(adapter.kind, workload, update, container, image);
      const jobName = job.metadata?.name ?? "";
      try {
        await client.create(ImagePullJobKind, job);
      } catch (err) {
        if (isAlreadyExists(err)) continue; // a retry after a crash finds its job there
        recorder.event(
          thaw<T>(workload),
          "Normal",
          "FailedCreateImagePullJob",
          `failed to create ImagePullJob ${jobName}: ${(err as Error).message}`,
        );
        throw err;
      }
      log.info({ job: jobName, image }, "created an ImagePullJob to pre-download a new image");
      recorder.event(
        thaw<T>(workload),
        "Normal",
        "CreatedImagePullJob",
        `created ImagePullJob ${jobName} for image: ${image}`,
      );
    }
    await labelRevision(client, update, PREDOWNLOAD_CREATED_LABEL);
  };
}

async function labelRevision(
  client: Parameters<Reconciler>[1]["client"],
  revision: ReadOnly<ControllerRevision>,
  label: string,
): Promise<void> {
  await client.patch(
    ControllerRevisionKind,
    revision.metadata?.name ?? "",
    revision.metadata?.namespace ?? "",
    "merge",
    { metadata: { labels: { [label]: "true" } } },
  );
}
