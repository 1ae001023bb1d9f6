import type { Job } from "kubernetes-types/batch/v1.js";
import { SCHEDULED_AT_ANNOTATION, type BroadcastJob } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { parseKubeTime } from "@kruise/sdk";

/** What the cron controller needs to know about one child, whatever its kind. */
export interface ChildInfo {
  kind: "Job" | "BroadcastJob";
  apiVersion: string;
  name: string;
  namespace: string;
  uid: string;
  /** From the apps.kruise.io/scheduled-at annotation. */
  scheduledTime?: number;
  /** status.startTime; history is trimmed oldest start first. */
  startTime?: number;
  state: "Active" | "Complete" | "Failed";
}

/**
 * A child is finished when it carries a true Complete or Failed condition, for batch Jobs (run by
 * kube-controller-manager) and BroadcastJobs alike.
 */
export function childInfo(
  kind: "Job" | "BroadcastJob",
  obj: ReadOnly<Job> | ReadOnly<BroadcastJob>,
): ChildInfo {
  let state: ChildInfo["state"] = "Active";
  for (const c of obj.status?.conditions ?? []) {
    if ((c.type === "Complete" || c.type === "Failed") && c.status === "True") state = c.type;
  }
  const scheduled = parseKubeTime(obj.metadata?.annotations?.[SCHEDULED_AT_ANNOTATION]);
  const started = parseKubeTime(obj.status?.startTime);
  return {
    kind,
    apiVersion: kind === "Job" ? "batch/v1" : "apps.kruise.io/v1alpha1",
    name: obj.metadata?.name ?? "",
    namespace: obj.metadata?.namespace ?? "",
    uid: obj.metadata?.uid ?? "",
    ...(scheduled !== undefined ? { scheduledTime: scheduled } : {}),
    ...(started !== undefined ? { startTime: started } : {}),
    state,
  };
}
