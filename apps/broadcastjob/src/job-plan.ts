import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { BroadcastJob, BroadcastJobStatus, JobCondition } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { checkNodeEligibility, isPodActive, podsByNode, scaleIntOrString } from "@kruise/workload";
import { effectiveSpec, finishedCondition, type EffectiveSpec } from "./job-spec.ts";
import { classifyPods } from "./pod-classification.ts";
import { formatKubeTime, parseKubeTime } from "@kruise/sdk";

export interface JobEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

/** What one reconcile of a BroadcastJob should do, decided from a snapshot: pure, so every rule is unit-tested. */
export interface BroadcastJobPlan {
  /** The status to write (assuming the planned creates and deletes succeed). */
  status: BroadcastJobStatus;
  /** Nodes to create a pod on, in order; at most `parallelism - active`. */
  createOn: string[];
  /** Pods to delete (by name): active pods of a failed job, or pods on nodes they no longer fit. */
  deletePods: string[];
  events: JobEvent[];
  /** Reconcile again after this long even if nothing changes: the active deadline or the TTL. */
  requeueAfterMs?: number;
  /** The job finished in this reconcile. */
  finished?: { result: "Complete" | "Failed"; reason: string; message: string };
  /** The job started in this reconcile (startTime set). */
  started?: boolean;
  /** The TTL after finishing has passed: delete the job. */
  deleteJob?: boolean;
}

export interface PlanInput {
  job: ReadOnly<BroadcastJob>;
  /** Pods whose controller reference is this job. */
  pods: readonly ReadOnly<Pod>[];
  nodes: readonly ReadOnly<Node>[];
  now: number;
}

/** Decides what to do for one BroadcastJob, following OpenKruise's broadcastjob controller. */
export function planBroadcastJob({ job, pods, nodes, now }: PlanInput): BroadcastJobPlan {
  const spec = effectiveSpec(job);
  const status: BroadcastJobStatus = structuredClone((job.status ?? {}) as BroadcastJobStatus);
  const plan: BroadcastJobPlan = { status, createOn: [], deletePods: [], events: [] };

  if (finishedCondition(job)) return planFinished(plan, spec, now);

  if (!status.startTime) {
    status.startTime = formatKubeTime(now);
    plan.started = true;
  }
  plan.requeueAfterMs = deadlineRemaining(spec, status, now);
  status.phase ??= "running";

  const { nodeToPod, duplicates } = podsByNode(pods);
  for (const d of duplicates) {
    plan.events.push({
      type: "Warning",
      reason: "DuplicatePodCreatedOnSameNode",
      message: `Duplicated pod ${d.pod} found on same node ${d.node}`,
    });
  }
  const classified = classifyPods(pods, spec.restartLimit);
  let active = classified.active.length;
  let failed = classified.failed.length;
  const succeeded = classified.succeeded.length;
  const { desired, restNodes, podsToDelete } = desiredNodes(job, nodes, nodeToPod);
  Object.assign(status, { active, failed, succeeded, desired: desired.size });

  if (status.phase === "failed") return plan;

  if (spec.paused && (status.phase === "running" || status.phase === "paused")) {
    status.phase = "paused";
    return plan;
  }
  const pausedByFailure = spec.failurePolicy === "Pause" && failed > 0;
  if (status.phase === "paused" && !pausedByFailure) {
    status.phase = "running";
    plan.events.push({ type: "Normal", reason: "Continue", message: "continue to process job" });
  }

  let failure: { reason: string; message: string } | undefined;
  if (failed > 0) {
    if (spec.failurePolicy === "Pause") {
      if (status.phase !== "paused")
        plan.events.push({ type: "Warning", reason: "Paused", message: "job is paused, due to failed pod" });
      status.phase = "paused";
      return plan;
    }
    if (spec.failurePolicy === "FailFast") {
      failure = {
        reason: "failed pod is found",
        message: "failure policy is FailurePolicyTypeFailFast and failed pod is found",
      };
    }
  }
  if (!failure && spec.completionType === "Always" && pastDeadline(spec, status, now)) {
    failure = {
      reason: "DeadlineExceeded",
      message: `Job ${job.metadata?.namespace}/${job.metadata?.name} was active longer than specified deadline`,
    };
  }

  if (failure) {
    for (const pod of classified.active) plan.deletePods.push(pod.metadata?.name ?? "");
    failed += classified.active.length;
    active -= classified.active.length;
    Object.assign(status, { active, failed });
    status.phase = "failed";
    finish(plan, spec, "Failed", failure.message, now);
    plan.finished = { result: "Failed", ...failure };
    plan.events.push({
      type: "Warning",
      reason: failure.reason,
      message: `${failure.message}: ${succeeded} pods succeeded, ${failed} pods failed`,
    });
    return plan;
  }

  // A pod whose node no longer fits is deleted and counted as failed at once, as OpenKruise's deleteJobPods does;
  // the active count drops with it, so parallelism lets the next node start in this same reconcile.
  const activeNames = new Set(classified.active.map((p) => p.metadata?.name));
  for (const pod of podsToDelete) {
    plan.deletePods.push(pod.metadata?.name ?? "");
    if (activeNames.has(pod.metadata?.name)) {
      failed++;
      active--;
    }
  }
  Object.assign(status, { active, failed });
  if (!job.metadata?.deletionTimestamp && restNodes.length > 0) {
    const parallelism = scaleIntOrString(spec.parallelism, desired.size, true, "spec.parallelism");
    if (active > parallelism) {
      plan.events.push({
        type: "Warning",
        reason: "TooManyActivePods",
        message: "Number of active pods exceed parallelism limit",
      });
    } else if (active < parallelism) {
      plan.createOn = restNodes.slice(0, parallelism - active);
      active += plan.createOn.length;
      status.active = active;
    }
  }

  if (isComplete(spec, desired)) {
    status.phase = "completed";
    finish(plan, spec, "Complete", `Job completed, ${succeeded} pods succeeded, ${failed} pods failed`, now);
    plan.finished = {
      result: "Complete",
      reason: "JobComplete",
      message: `${succeeded} pods succeeded, ${failed} pods failed`,
    };
    plan.events.push({
      type: "Normal",
      reason: "JobComplete",
      message: `Job ${job.metadata?.namespace}/${job.metadata?.name} is completed, ${succeeded} pods succeeded, ${failed} pods failed`,
    });
  }
  return plan;
}

/** A finished job only waits for its TTL, then asks to be deleted. */
function planFinished(plan: BroadcastJobPlan, spec: EffectiveSpec, now: number): BroadcastJobPlan {
  const finishedAt = parseKubeTime(plan.status.completionTime);
  if (spec.ttlSecondsAfterFinished === undefined || finishedAt === undefined) return plan;
  const remaining = finishedAt + spec.ttlSecondsAfterFinished * 1000 - now;
  if (remaining <= 0) plan.deleteJob = true;
  else plan.requeueAfterMs = remaining;
  return plan;
}

function finish(
  plan: BroadcastJobPlan,
  spec: EffectiveSpec,
  type: "Complete" | "Failed",
  message: string,
  now: number,
): void {
  const condition: JobCondition = {
    type,
    status: "True",
    lastProbeTime: formatKubeTime(now),
    lastTransitionTime: formatKubeTime(now),
    reason: type,
    message,
  };
  plan.status.conditions = [...(plan.status.conditions ?? []), condition];
  plan.status.completionTime = formatKubeTime(now);
  // The TTL timer replaces the deadline timer; measured from the stored (whole-second) completion time.
  plan.requeueAfterMs =
    spec.ttlSecondsAfterFinished === undefined
      ? undefined
      : Math.max(0, Math.floor(now / 1000) * 1000 + spec.ttlSecondsAfterFinished * 1000 - now);
}

function deadlineRemaining(spec: EffectiveSpec, status: BroadcastJobStatus, now: number): number | undefined {
  const start = parseKubeTime(status.startTime);
  if (spec.activeDeadlineSeconds === undefined || start === undefined) return undefined;
  return Math.max(0, start + spec.activeDeadlineSeconds * 1000 - now);
}

function pastDeadline(spec: EffectiveSpec, status: BroadcastJobStatus, now: number): boolean {
  const start = parseKubeTime(status.startTime);
  if (spec.activeDeadlineSeconds === undefined || start === undefined) return false;
  return now - start >= spec.activeDeadlineSeconds * 1000;
}

/**
 * desired: eligible node -> its pod (undefined when none yet); restNodes: eligible nodes without a pod, by name;
 * podsToDelete: pods on nodes they no longer fit (not already being deleted). A misfit pod already being deleted
 * still holds its node in desired, as in OpenKruise (it counts as done once it is no longer active).
 */
function desiredNodes(
  job: ReadOnly<BroadcastJob>,
  nodes: readonly ReadOnly<Node>[],
  nodeToPod: ReadonlyMap<string, ReadOnly<Pod>>,
): { desired: Map<string, ReadOnly<Pod> | undefined>; restNodes: string[]; podsToDelete: ReadOnly<Pod>[] } {
  const desired = new Map<string, ReadOnly<Pod> | undefined>();
  const restNodes: string[] = [];
  const podsToDelete: ReadOnly<Pod>[] = [];
  const sorted = [...nodes].sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  for (const node of sorted) {
    const name = node.metadata?.name ?? "";
    const pod = nodeToPod.get(name);
    if (pod) {
      if (checkNodeEligibility(pod, node) && !pod.metadata?.deletionTimestamp) {
        podsToDelete.push(pod);
        continue;
      }
      desired.set(name, pod);
    } else {
      if (checkNodeEligibility(mockPod(job, name), node)) continue;
      desired.set(name, undefined);
      restNodes.push(name);
    }
  }
  return { desired, restNodes, podsToDelete };
}

/** The pod the job would create on a node, as far as the eligibility predicates look at it. */
function mockPod(job: ReadOnly<BroadcastJob>, nodeName: string): ReadOnly<Pod> {
  const template = job.spec?.template;
  return { metadata: template?.metadata, spec: { ...(template?.spec ?? { containers: [] }), nodeName } };
}

/** Complete when every eligible node has a pod that is no longer active. A job with no eligible node never completes. */
function isComplete(spec: EffectiveSpec, desired: ReadonlyMap<string, ReadOnly<Pod> | undefined>): boolean {
  if (spec.completionType === "Never" || desired.size === 0) return false;
  for (const pod of desired.values()) if (!pod || isPodActive(pod)) return false;
  return true;
}
