import type { Container, ContainerStateTerminated, ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { imageIdFor, newContainerId } from "./image-id.ts";
import type { ImageResolution } from "./image-resolver.ts";
import { plainCommandExit } from "./plain-command.ts";
import type { PodFaults } from "./pod-faults.ts";
import { kubeTime } from "./time.ts";

export interface Termination {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

/** The simulated runtime's view of one container: what runs, since when, and what it is waiting for. */
export interface ContainerRuntime {
  name: string;
  /** The image the current (or last) container instance runs; undefined before its first start. */
  image: string | undefined;
  imageID: string;
  containerID: string;
  restartCount: number;
  startedAt: string;
  /** When the current instance started, in ms (for commands that end on their own). */
  startedAtMs: number;
  /** Set while an exited container waits out its restart back-off. */
  restartAt: number | undefined;
  state: "waiting" | "running" | "crashing" | "terminated";
  waitingReason: string;
  waitingMessage: string;
  terminated: Termination | undefined;
  lastTerminated: Termination | undefined;
  /**
   * The image being pulled, when that pull completes (undefined while a pull fails), and after a
   * failed pull when the back-off ends and the next attempt is due.
   */
  pull: { image: string; doneAt: number | undefined; retryAt?: number } | undefined;
  /** Failed pulls of the wanted image in a row: the first shows ErrImagePull, later ones ImagePullBackOff. */
  pullFailures: number;
  lastCrashAt: number;
}

/** Per-pod state the kubelet keeps in memory. It, not the possibly stale watched status, is the truth. */
export interface PodRuntime {
  uid: string;
  podIP: string;
  startTime: string;
  containers: Map<string, ContainerRuntime>;
}

export interface StepContext {
  now: number;
  faults: PodFaults;
  crashLoopIntervalMs: number;
  /**
   * What the registry says of each image of the pod. Without it (no registry), every image exists and
   * gets a made-up digest.
   */
  images?: ReadonlyMap<string, ImageResolution>;
}

/** Builds the runtime of a pod seen for the first time, adopting what an earlier kubelet already reported. */
export function newPodRuntime(pod: Pod, podIP: string, now: number): PodRuntime {
  const containers = new Map<string, ContainerRuntime>();
  for (const status of pod.status?.containerStatuses ?? []) {
    const adopted = adoptStatus(status);
    if (adopted !== undefined) containers.set(status.name, adopted);
  }
  return {
    uid: pod.metadata?.uid ?? "",
    podIP,
    startTime: pod.status?.startTime ?? kubeTime(now),
    containers,
  };
}

function adoptStatus(status: ContainerStatus): ContainerRuntime | undefined {
  const running = status.state?.running;
  const terminated = status.state?.terminated;
  if (running === undefined && terminated === undefined) return undefined;
  return {
    ...emptyContainer(status.name),
    image: status.image,
    imageID: status.imageID,
    containerID: status.containerID ?? newContainerId(),
    restartCount: status.restartCount,
    startedAt: running?.startedAt ?? terminated?.startedAt ?? kubeTime(),
    startedAtMs: Date.parse(running?.startedAt ?? terminated?.startedAt ?? "") || Date.now(),
    state: running !== undefined ? "running" : "terminated",
    terminated: adoptTermination(terminated),
    lastTerminated: adoptTermination(status.lastState?.terminated),
  };
}

function adoptTermination(t: ContainerStateTerminated | undefined): Termination | undefined {
  if (t === undefined) return undefined;
  return {
    exitCode: t.exitCode,
    reason: t.reason ?? "",
    startedAt: t.startedAt ?? "",
    finishedAt: t.finishedAt ?? "",
    containerID: t.containerID ?? "",
  };
}

function emptyContainer(name: string): ContainerRuntime {
  return {
    name,
    image: undefined,
    imageID: "",
    containerID: "",
    restartCount: 0,
    startedAt: "",
    startedAtMs: 0,
    restartAt: undefined,
    state: "waiting",
    waitingReason: "ContainerCreating",
    waitingMessage: "",
    terminated: undefined,
    lastTerminated: undefined,
    pull: undefined,
    pullFailures: 0,
    lastCrashAt: 0,
  };
}

/**
 * Advances every container of the pod by what the spec and the faults ask, at time `now`.
 * Returns the milliseconds until something is due again (a pull completing, the next crash), or undefined.
 */
export function stepPod(runtime: PodRuntime, pod: Pod, context: StepContext): number | undefined {
  let wake: number | undefined;
  const restartPolicy = pod.spec?.restartPolicy ?? "Always";
  for (const container of pod.spec?.containers ?? []) {
    let record = runtime.containers.get(container.name);
    if (record === undefined) {
      record = emptyContainer(container.name);
      runtime.containers.set(container.name, record);
    }
    const due = stepContainer(record, container, context, restartPolicy);
    if (due !== undefined) wake = wake === undefined ? due : Math.min(wake, due);
  }
  return wake === undefined ? undefined : Math.max(0, wake - context.now);
}

function terminate(record: ContainerRuntime, exitCode: number, now: number): Termination {
  return {
    exitCode,
    reason: exitCode === 0 ? "Completed" : "Error",
    startedAt: record.startedAt,
    finishedAt: kubeTime(now),
    containerID: record.containerID,
  };
}

function stepContainer(
  record: ContainerRuntime,
  container: Container,
  context: StepContext,
  restartPolicy: string,
): number | undefined {
  const { now, faults } = context;
  const wanted = container.image ?? "";
  if (record.state === "terminated") return undefined;
  if (record.restartAt !== undefined) {
    // An exited container in back-off; an image change restarts it through the pull below instead.
    if (record.image === wanted && now < record.restartAt) return record.restartAt;
    if (record.image === wanted) start(record, wanted, now, true);
    else record.state = "waiting";
    record.restartAt = undefined;
  }

  if (faults.crashLoop && record.image !== undefined) {
    if (record.state !== "crashing") {
      // The running instance dies; the kubelet counts the restart and backs off.
      record.lastTerminated = terminate(record, 1, now);
      record.state = "crashing";
      record.restartCount += 1;
      record.lastCrashAt = now;
    } else if (now - record.lastCrashAt >= context.crashLoopIntervalMs) {
      record.containerID = newContainerId();
      record.startedAt = kubeTime(record.lastCrashAt);
      record.lastTerminated = terminate(record, 1, now);
      record.restartCount += 1;
      record.lastCrashAt = now;
    }
    record.waitingReason = "CrashLoopBackOff";
    record.waitingMessage = `back-off restarting failed container ${container.name}`;
    return record.lastCrashAt + context.crashLoopIntervalMs;
  }
  if (record.state === "crashing") {
    // Crash loop over: the next restart succeeds.
    start(record, record.image ?? wanted, now, false);
  }

  const needsStart = record.state !== "running" || record.image !== wanted;
  if (needsStart) {
    if (record.state === "running") {
      // In-place image change: the kubelet kills the old instance before pulling the new image.
      record.lastTerminated = terminate(record, 0, now);
      record.state = "waiting";
    }
    if (record.pull?.image !== wanted) {
      // Another image: its first failed pull is an ErrImagePull again.
      record.pull = { image: wanted, doneAt: undefined };
      record.pullFailures = 0;
    }
    if (faults.pullFail) {
      record.pull.doneAt = undefined;
      record.waitingReason = "ErrImagePull";
      record.waitingMessage = `failed to pull image "${wanted}": testenv: pull-fail requested`;
      return undefined;
    }
    const resolution = context.images?.get(wanted);
    if (resolution !== undefined && !resolution.found) {
      // As the kubelet does: the failed pull shows ErrImagePull, then ImagePullBackOff between retries.
      // A step before the back-off ends (woken by our own status write or any other watch event) is
      // no new attempt: it keeps what the last attempt showed, so ErrImagePull lasts one interval.
      record.pull.doneAt = undefined;
      if (record.pull.retryAt !== undefined && now < record.pull.retryAt) return record.pull.retryAt;
      record.pullFailures += 1;
      record.pull.retryAt = now + context.crashLoopIntervalMs;
      record.waitingReason = record.pullFailures > 1 ? "ImagePullBackOff" : "ErrImagePull";
      record.waitingMessage =
        record.pullFailures > 1 ? `Back-off pulling image "${wanted}"` : resolution.message;
      return record.pull.retryAt;
    }
    record.pull.doneAt ??= now + faults.pullDelayMs;
    if (now < record.pull.doneAt) {
      record.waitingReason = "ContainerCreating";
      record.waitingMessage = "";
      return record.pull.doneAt;
    }
    start(record, wanted, now, record.image !== undefined, resolution?.imageID);
  }

  if (faults.exitCode !== undefined && restartPolicy !== "Always") {
    record.terminated = terminate(record, faults.exitCode, now);
    record.state = "terminated";
    return undefined;
  }
  if (faults.exitCode === undefined) return runToCompletion(record, container, context, restartPolicy);
  return undefined;
}

/** A container whose command ends on its own (`sleep 5`, `exit 3`) exits then, and restarts per the pod's restartPolicy. */
function runToCompletion(
  record: ContainerRuntime,
  container: Container,
  context: StepContext,
  restartPolicy: string,
): number | undefined {
  const plain = plainCommandExit(container);
  if (plain === undefined || record.state !== "running") return undefined;
  const due = record.startedAtMs + plain.afterMs;
  if (context.now < due) return due;
  const ended = terminate(record, plain.exitCode, context.now);
  const restarts = restartPolicy === "Always" || (restartPolicy === "OnFailure" && plain.exitCode !== 0);
  if (!restarts) {
    record.terminated = ended;
    record.state = "terminated";
    return undefined;
  }
  record.lastTerminated = ended;
  record.state = "waiting";
  record.waitingReason = "CrashLoopBackOff";
  record.waitingMessage = `back-off restarting failed container ${container.name}`;
  record.restartAt = context.now + context.crashLoopIntervalMs;
  return record.restartAt;
}

function start(
  record: ContainerRuntime,
  image: string,
  now: number,
  isRestart: boolean,
  imageID?: string,
): void {
  if (isRestart) record.restartCount += 1;
  if (record.image !== image || imageID !== undefined) record.imageID = imageID ?? imageIdFor(image);
  record.image = image;
  record.pullFailures = 0;
  record.containerID = newContainerId();
  record.startedAt = kubeTime(now);
  record.startedAtMs = now;
  record.state = "running";
  record.pull = undefined;
  record.waitingReason = "";
  record.waitingMessage = "";
}
