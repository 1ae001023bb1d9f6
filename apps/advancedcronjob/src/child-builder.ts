import type { Job } from "kubernetes-types/batch/v1.js";
import {
  AdvancedCronJobKind,
  BroadcastJobKind,
  SCHEDULED_AT_ANNOTATION,
  type AdvancedCronJob,
  type BroadcastJob,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { formatKubeTime } from "@kruise/sdk";

/** Which template the cron job uses; status.type reports it. */
export function templateKind(acj: ReadOnly<AdvancedCronJob>): "Job" | "BroadcastJob" | undefined {
  if (acj.spec?.template?.jobTemplate) return "Job";
  if (acj.spec?.template?.broadcastJobTemplate) return "BroadcastJob";
  return undefined;
}

/**
 * The child's name for a run: `<cronjob>-<unix seconds of the scheduled time>`, as OpenKruise names it. Being a
 * function of the schedule time alone, a second create for the same run (a retry, or a restarted controller) gets
 * AlreadyExists instead of a duplicate.
 */
export function childName(acjName: string, scheduledTime: number): string {
  return `${acjName}-${Math.floor(scheduledTime / 1000)}`;
}

/** The Job or BroadcastJob for one run: template labels and annotations, the scheduled-at annotation, a controller reference. */
export function buildChild(
  acj: ReadOnly<AdvancedCronJob>,
  scheduledTime: number,
): { kind: "Job"; object: Job } | { kind: "BroadcastJob"; object: BroadcastJob } {
  const name = acj.metadata?.name ?? "";
  const template = acj.spec?.template;
  const kind = templateKind(acj);
  const source = structuredClone(
    (kind === "Job" ? template?.jobTemplate : template?.broadcastJobTemplate) ?? {},
  ) as {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
  const metadata = {
    name: childName(name, scheduledTime),
    namespace: acj.metadata?.namespace ?? "",
    labels: { ...source.metadata?.labels },
    annotations: {
      ...source.metadata?.annotations,
      [SCHEDULED_AT_ANNOTATION]: formatKubeTime(scheduledTime),
    },
    ownerReferences: [
      {
        apiVersion: `${AdvancedCronJobKind.group}/${AdvancedCronJobKind.version}`,
        kind: AdvancedCronJobKind.kind,
        name,
        uid: acj.metadata?.uid ?? "",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (kind === "Job") {
    return {
      kind,
      object: { apiVersion: "batch/v1", kind: "Job", metadata, spec: source.spec as Job["spec"] },
    };
  }
  return {
    kind: "BroadcastJob",
    object: {
      apiVersion: `${BroadcastJobKind.group}/${BroadcastJobKind.version}` as "apps.kruise.io/v1alpha1",
      kind: "BroadcastJob",
      metadata,
      spec: source.spec as BroadcastJob["spec"],
    },
  };
}
