// The bus contract between job controllers (BroadcastJob; a bridge may add batch Jobs) and their owners
// (AdvancedCronJob): a child job reached a terminal state. Subscribers only enqueue the owner; the API stays the
// source of truth.

/** Last subject token: `kruise.<job kind lower>.<namespace>.<name>.job-finished`. */
export const JOB_FINISHED_EVENT = "job-finished";

/** The kinds whose controllers publish job-finished (batch Jobs have no publisher yet; a bridge may add one). */
export const JOB_FINISHED_PUBLISHERS = ["BroadcastJob", "Job"] as const;

/** Payload of job-finished: enough for a subscriber to act without a read, though subscribers only enqueue. */
export interface JobFinished {
  /** The finished job's UID. */
  readonly uid: string;
  readonly result: "Complete" | "Failed";
  readonly reason: string;
  readonly message: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly desired: number;
  /** The job's controller owner, when it has one: the object a subscriber enqueues. */
  readonly owner?: { readonly kind: string; readonly name: string; readonly uid: string };
}

/** Deterministic step key: a job finishes once, so a retry publishes the same id and JetStream drops it. */
export function jobFinishedId(jobUid: string): string {
  return `${jobUid}.${JOB_FINISHED_EVENT}`;
}
