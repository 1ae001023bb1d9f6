import { BUS_PARTIES, ImagePullJobKind, NodeImageKind } from "@kruise/api";
import {
  type CloudEvent,
  type Controller,
  ControllerRevisionKind,
  type Manager,
  NodeKind,
  PodKind,
  type Request,
} from "@kruise/sdk";
import { isJobFinished, reconcileImagePullJob } from "./job-reconcile.ts";
import { reconcileNodeImage } from "./nodeimage-reconcile.ts";
import { predownloadReconciler, type PredownloadAdapter } from "./predownload.ts";
import { cloneSetPredownload } from "./predownload-cloneset.ts";
import { daemonSetPredownload } from "./predownload-daemonset.ts";
import { statefulSetPredownload } from "./predownload-statefulset.ts";

export const IMAGEPULLJOB_CONTROLLER = "imagepulljob-controller";
export const NODEIMAGE_CONTROLLER = "nodeimage-controller";
export const PREDOWNLOAD_CONTROLLER = "imagepulljob-predownload";

/** One adapter per workload kind that pre-downloads, each turned on by its OpenKruise gate. */
export const PREDOWNLOAD_ADAPTERS: readonly PredownloadAdapter[] = [
  cloneSetPredownload,
  statefulSetPredownload,
  daemonSetPredownload,
];

/**
 * Image pre-download for one workload kind: level-triggered on the workloads, the revisions and the jobs they own;
 * the workload controllers' image-predownload-requested events only wake it sooner. The controller is named
 * `imagepulljob-predownload-<kind>` (CloneSet keeps `imagepulljob-predownload`, its name before the others came).
 */
export function addPredownloadController(
  mgr: Manager,
  adapter: PredownloadAdapter = cloneSetPredownload,
): Controller {
  const kind = adapter.kind.kind;
  const name =
    kind === "CloneSet" ? PREDOWNLOAD_CONTROLLER : `${PREDOWNLOAD_CONTROLLER}-${kind.toLowerCase()}`;
  let builder = mgr
    .controller(name)
    .for(adapter.kind)
    .owns(ImagePullJobKind)
    .owns(ControllerRevisionKind)
    .workers(2);
  const onRequest = (e: CloudEvent): Request[] => {
    const [namespace, workload] = e.subject.split("/");
    return e.kind === kind && namespace !== undefined && workload !== undefined
      ? [{ namespace, name: workload }]
      : [];
  };
  for (const subject of BUS_PARTIES.imagepulljob.consumes)
    builder = builder.watchesEvents(subject, onRequest);
  return builder.reconcile(predownloadReconciler(adapter));
}

/** NodeImages follow Nodes; a deleted ImagePullJob wakes the NodeImages whose tags it owned. */
export function addNodeImageController(mgr: Manager): Controller {
  return mgr
    .controller(NODEIMAGE_CONTROLLER)
    .for(NodeImageKind)
    .watches(NodeKind, (node) => [{ namespace: "", name: node.metadata?.name ?? "" }])
    .watches(ImagePullJobKind, (job) =>
      mgr.cache
        .list(NodeImageKind)
        .filter((ni) =>
          Object.values(ni.spec?.images ?? {}).some((image) =>
            (image.tags ?? []).some((tag) =>
              (tag.ownerReferences ?? []).some((o) => o.uid === job.metadata?.uid),
            ),
          ),
        )
        .map((ni) => ({ namespace: "", name: ni.metadata?.name ?? "" })),
    )
    .workers(2)
    .reconcile(reconcileNodeImage);
}

/** Jobs are woken by NodeImage changes (new nodes, agent status) and, for podSelector jobs, by their pods. */
export function addImagePullJobController(mgr: Manager, options: { workers?: number } = {}): Controller {
  const unfinished = (namespace?: string): Request[] =>
    mgr.cache
      .list(ImagePullJobKind, namespace === undefined ? {} : { namespace })
      .filter((job) => !isJobFinished(job))
      .map((job) => ({ namespace: job.metadata?.namespace ?? "", name: job.metadata?.name ?? "" }));
  return mgr
    .controller(IMAGEPULLJOB_CONTROLLER)
    .for(ImagePullJobKind)
    .watches(NodeImageKind, () => unfinished())
    .watches(PodKind, (pod) =>
      unfinished(pod.metadata?.namespace).filter(
        (r) => mgr.cache.get(ImagePullJobKind, r.namespace, r.name)?.spec.podSelector !== undefined,
      ),
    )
    .workers(options.workers ?? 3)
    .reconcile(reconcileImagePullJob);
}
