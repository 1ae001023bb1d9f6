import type { CloneSetCondition, CloneSetStatus } from "@kruise/api";
import { CloneSetConditionType, CloneSetProgressReason } from "@kruise/api";
import { formatKubeTime } from "@kruise/sdk";

export interface ProgressInput {
  /** Status as last written (the previous observation). */
  readonly previous: CloneSetStatus | undefined;
  /** Status computed now, conditions not yet updated. */
  readonly next: CloneSetStatus;
  readonly specReplicas: number;
  readonly paused: boolean;
  /** undefined: the Progressing condition is disabled (unset or MaxInt32). */
  readonly progressDeadlineSeconds: number | undefined;
  readonly now: number;
}

export interface ProgressResult {
  /** The Progressing condition to set, or undefined to remove it. */
  readonly condition: CloneSetCondition | undefined;
  /** When to look again so the deadline is noticed on time. */
  readonly requeueAfterMs?: number;
}

/**
 * OpenKruise's Progressing condition, reasons in priority order: CloneSetAvailable, CloneSetPaused,
 * ProgressPartitionAvailable, ProgressDeadlineExceeded (status False), otherwise CloneSetUpdated. As in
 * OpenKruise, the deadline runs from the start of the rollout (a new update revision sets CloneSetUpdated; pods
 * updating later do not move its lastUpdateTime), and ProgressDeadlineExceeded, like CloneSetAvailable while
 * the rollout is complete, stays until the next revision, so CD tools judging health agree with OpenKruise's.
 */
export function progressingCondition(input: ProgressInput): ProgressResult {
  const { previous, next, now } = input;
  if (input.progressDeadlineSeconds === undefined) return { condition: undefined };
  const existing = previous?.conditions?.find((c) => c.type === CloneSetConditionType.Progressing);
  const stamp = formatKubeTime(now);
  const make = (
    status: "True" | "False",
    reason: string,
    message: string,
    lastUpdateTime: string,
  ): CloneSetCondition => ({
    type: CloneSetConditionType.Progressing,
    status,
    reason,
    message,
    lastUpdateTime,
    lastTransitionTime:
      existing !== undefined && existing.status === status && existing.lastTransitionTime !== undefined
        ? existing.lastTransitionTime
        : stamp,
  });
  const keepOrNow = (reason: string): string =>
    existing?.reason === reason && existing.lastUpdateTime !== undefined ? existing.lastUpdateTime : stamp;

  const deadlineMs = input.progressDeadlineSeconds * 1000;
  // A new revision starts a rollout, whatever the condition said.
  if (previous?.updateRevision !== undefined && previous.updateRevision !== next.updateRevision) {
    return {
      condition: make(
        "True",
        CloneSetProgressReason.Updated,
        `CloneSet is progressing due to revision changed from ${previous.updateRevision} to ${next.updateRevision ?? ""}`,
        stamp,
      ),
      requeueAfterMs: deadlineMs + 1000,
    };
  }
  if (existing?.reason === CloneSetProgressReason.DeadlineExceeded) return { condition: { ...existing } };
  if (existing?.reason === CloneSetProgressReason.Available && next.currentRevision === next.updateRevision)
    return { condition: { ...existing } };

  const replicas = next.replicas ?? 0;
  const allAvailable =
    next.updatedReplicas === input.specReplicas &&
    replicas === input.specReplicas &&
    (next.updatedAvailableReplicas ?? 0) >= input.specReplicas &&
    next.currentRevision === next.updateRevision;
  if (allAvailable)
    return {
      condition: make(
        "True",
        CloneSetProgressReason.Available,
        "CloneSet is available",
        keepOrNow(CloneSetProgressReason.Available),
      ),
    };
  if (input.paused)
    return {
      condition: make(
        "True",
        CloneSetProgressReason.Paused,
        "CloneSet is paused",
        keepOrNow(CloneSetProgressReason.Paused),
      ),
    };
  const expected = next.expectedUpdatedReplicas ?? input.specReplicas;
  if (expected < input.specReplicas && (next.updatedAvailableReplicas ?? 0) >= expected) {
    return {
      condition: make(
        "True",
        CloneSetProgressReason.PartitionAvailable,
        "CloneSet has been paused due to partition ready",
        keepOrNow(CloneSetProgressReason.PartitionAvailable),
      ),
    };
  }

  // Still rolling out: the clock started when CloneSetUpdated was first set for this rollout.
  if (existing?.reason !== CloneSetProgressReason.Updated || existing.status !== "True") {
    return {
      condition: make("True", CloneSetProgressReason.Updated, "CloneSet is progressing", stamp),
      requeueAfterMs: deadlineMs + 1000,
    };
  }
  const since = Date.parse(existing.lastUpdateTime ?? "") || now;
  const dueAt = since + deadlineMs;
  if (now > dueAt) {
    return {
      condition: make(
        "False",
        CloneSetProgressReason.DeadlineExceeded,
        `CloneSet revision ${next.updateRevision ?? ""} has timed out progressing`,
        stamp,
      ),
    };
  }
  return { condition: { ...existing }, requeueAfterMs: dueAt - now + 1000 };
}
