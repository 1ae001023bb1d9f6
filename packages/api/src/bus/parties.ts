// Who may say what on the event bus: the contract each controller's NATS user is granted (npm start and the
// chart give every controller its own user with exactly these permissions). A controller that starts publishing
// or consuming a new subject adds it here.

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
    consumes: ["kruise.broadcastjob.*.*.job-finished", "kruise.job.*.*.job-finished"],
  },
} as const satisfies Record<string, BusParty>;
