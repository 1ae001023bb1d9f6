// The ImagePullJob controller binary: the ImagePullJob and NodeImage controllers in one manager.
import { runController } from "@kruise/sdk";
import {
  addImagePullJobController,
  addNodeImageController,
  addPredownloadController,
  IMAGEPULLJOB_CONTROLLER,
} from "./controller.ts";

await runController(
  {
    name: IMAGEPULLJOB_CONTROLLER,
    summary:
      "keeps one NodeImage per Ready node and writes each apps.kruise.io ImagePullJob's pulls into the NodeImages of its nodes",
    extra: {
      workers: { type: "integer", description: "Concurrent ImagePullJob reconciles.", default: 3 },
    },
    featureGates: {
      PreDownloadImageForInPlaceUpdate: {
        default: false,
        description:
          "Create ImagePullJobs for workloads whose in-place revision is held by a partition (alpha); only then does this binary read CloneSets and ControllerRevisions.",
      },
    },
  },
  (mgr, flags) => {
    addNodeImageController(mgr);
    addImagePullJobController(mgr, { workers: flags.extra.workers });
    // OpenKruise's alpha gate, off by default: only then does this binary read CloneSets and ControllerRevisions.
    if (flags.featureGates.PreDownloadImageForInPlaceUpdate) addPredownloadController(mgr);
  },
);
