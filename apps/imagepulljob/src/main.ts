// The ImagePullJob controller binary: the ImagePullJob and NodeImage controllers in one manager.
import { runController, workersFlag } from "@kruise/sdk";
import {
  addImagePullJobController,
  addNodeImageController,
  addPredownloadController,
  IMAGEPULLJOB_CONTROLLER,
  PREDOWNLOAD_ADAPTERS,
} from "./controller.ts";

await runController(
  {
    name: IMAGEPULLJOB_CONTROLLER,
    summary:
      "keeps one NodeImage per Ready node and writes each apps.kruise.io ImagePullJob's pulls into the NodeImages of its nodes",
    extra: {
      workers: workersFlag("ImagePullJob"),
    },
    featureGates: {
      PreDownloadImageForInPlaceUpdate: {
        default: false,
        description:
          "Create ImagePullJobs for CloneSets and Advanced StatefulSets whose in-place revision rolls out in batches (alpha); only then does this binary read them.",
      },
      PreDownloadImageForDaemonSetUpdate: {
        default: false,
        description:
          "Create ImagePullJobs for Advanced DaemonSets whose new revision rolls out in batches (alpha); only then does this binary read them.",
      },
    },
  },
  (mgr, flags) => {
    addNodeImageController(mgr);
    addImagePullJobController(mgr, { workers: flags.extra.workers });
    // OpenKruise's alpha gates, off by default: only then does this binary read the workloads and their revisions.
    for (const adapter of PREDOWNLOAD_ADAPTERS)
      if (flags.featureGates[adapter.gate]) addPredownloadController(mgr, adapter);
  },
);
