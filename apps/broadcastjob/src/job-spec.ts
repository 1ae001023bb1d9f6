import type { BroadcastJob, BroadcastJobSpec } from "@kruise/api";
import { MAX_INT32, type ReadOnly } from "@kruise/sdk";

/** The spec fields the controller reads, with OpenKruise's defaults filled in (objects stored before a default existed). */
export interface EffectiveSpec {
  parallelism: number | string;
  completionType: "Always" | "Never";
  activeDeadlineSeconds: number | undefined;
  ttlSecondsAfterFinished: number | undefined;
  paused: boolean;
  failurePolicy: "FailFast" | "Continue" | "Pause";
  restartLimit: number;
}

export function effectiveSpec(job: ReadOnly<BroadcastJob>): EffectiveSpec {
  const spec: ReadOnly<BroadcastJobSpec> | undefined = job.spec;
  const completionType = spec?.completionPolicy?.type ?? "Always";
  return {
    // OpenKruise's default, the CRD's too: no limit.
    parallelism: spec?.parallelism ?? MAX_INT32,
    completionType,
    // Both only apply to Always; the CRD rejects them with Never, but an old object may still carry them.
    activeDeadlineSeconds:
      completionType === "Always" ? spec?.completionPolicy?.activeDeadlineSeconds : undefined,
    ttlSecondsAfterFinished:
      completionType === "Always" ? spec?.completionPolicy?.ttlSecondsAfterFinished : undefined,
    paused: spec?.paused ?? false,
    failurePolicy: spec?.failurePolicy?.type ?? "FailFast",
    restartLimit: spec?.failurePolicy?.restartLimit ?? 0,
  };
}

/** A job is finished once it carries a true Complete or Failed condition; a Never job never finishes. */
export function isJobFinished(job: ReadOnly<BroadcastJob>): boolean {
  return finishedCondition(job) !== undefined;
}

export function finishedCondition(job: ReadOnly<BroadcastJob>): "Complete" | "Failed" | undefined {
  if (effectiveSpec(job).completionType === "Never") return undefined;
  for (const c of job.status?.conditions ?? []) {
    if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") return c.type;
  }
  return undefined;
}
