import { BUS_PARTIES, CloneSetKind, ImagePullJobKind, NodeImageKind } from "@kruise/api";
import { type CloudEvent, type Controller, type Manager, NodeKind, PodKind, type Request } from "@kruise/sdk";
import { isJobFinished, reconcileImagePullJob } from "./job-reconcile.ts";
import { reconcileNodeImage } from "./nodeimage-reconcile.ts";
import { reconcilePredownload } from "./predownload.ts";

export const IMAGEPULLJOB_CONTROLLER = "imagepulljob-controller";
export const NODEIMAGE_CONTROLLER = "nodeimage-controller";
export const PREDOWNLOAD_CONTROLLER = "imagepulljob-predownload";

/**
 * CloneSet image pre-download (gate PreDownloadImageForInPlaceUpdate): level-triggered on CloneSets and the jobs
 * they own; the CloneSet controller's image-predownload-requested events only wake it sooner.
 */
export function addPredownloadController(mgr: Manager): Controller {
  let builder = mgr.controller(PREDOWNLOAD_CONTROLLER).for(CloneSetKind).owns(ImagePullJobKind).workers(2);
  const onRequest = (e: CloudEvent): Request[] => {
    const [namespace, name] = e.subject.split("/");
    return e.kind === "CloneSet" && namespace !== undefined && name !== undefined
      ? [{ namespace, name }]
      : [];
  };
  for (const subject of BUS_PARTIES.imagepulljob.consumes)
    builder = builder.watchesEvents(subject, onRequest);
  return builder.reconcile(reconcilePredownload);
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
