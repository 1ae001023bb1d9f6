// Who may say what on the event bus: the contract each controller's NATS user is granted (npm start and the
// chart give every controller its own user with exactly these permissions). A controller that starts publishing
// or consuming a new subject adds it here.
import { IMAGE_PREDOWNLOAD_PUBLISHERS, IMAGE_PREDOWNLOAD_REQUESTED_EVENT } from "./image-predownload.ts";
import { JOB_FINISHED_EVENT, JOB_FINISHED_PUBLISHERS } from "./job-finished.ts";
import { SUBSET_STATUS_CHANGED_EVENT, SUBSET_STATUS_PUBLISHERS } from "./subset-status.ts";
import { consumedSubjects } from "./topics.ts";

/** The subjects one controller publishes on and consumes from. */
export interface BusParty {
  /** NATS subjects (wildcards allowed) its events go to: `kruise.<kind lower>.>`. */
  readonly publishes: readonly string[];
  /** Subjects it subscribes to, each exactly as passed to `watchesEvents`. */
  readonly consumes: readonly string[];
}

export const BUS_PARTIES = {
  cloneset: { publishes: ["kruise.cloneset.>"], consumes: [] },
  broadcastjob: { publishes: ["kruise.broadcastjob.>"], consumes: [] },
  daemonset: { publishes: ["kruise.daemonset.>"], consumes: [] },
  statefulset: { publishes: ["kruise.statefulset.>"], consumes: [] },
  sidecarset: { publishes: ["kruise.sidecarset.>"], consumes: [] },
  advancedcronjob: {
    publishes: ["kruise.advancedcronjob.>"],
    // Children finishing: BroadcastJobs publish theirs; batch Jobs have no publisher yet.
    consumes: consumedSubjects(JOB_FINISHED_PUBLISHERS, JOB_FINISHED_EVENT),
  },
  uniteddeployment: {
    publishes: ["kruise.uniteddeployment.>"],
    // Subset workloads writing a new status.
    consumes: consumedSubjects(SUBSET_STATUS_PUBLISHERS, SUBSET_STATUS_CHANGED_EVENT),
  },
  imagepulljob: {
    publishes: ["kruise.imagepulljob.>"],
    // Workloads asking for their new images ahead of an in-place update.
    consumes: consumedSubjects(IMAGE_PREDOWNLOAD_PUBLISHERS, IMAGE_PREDOWNLOAD_REQUESTED_EVENT),
  },
} as const satisfies Record<string, BusParty>;
