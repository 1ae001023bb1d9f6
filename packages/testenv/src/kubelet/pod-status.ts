import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from "kubernetes-types/core/v1.js";
import { imageIdFor } from "./image-id.ts";
import type { ContainerRuntime, PodRuntime } from "./pod-runtime.ts";
import type { PodFaults } from "./pod-faults.ts";
import { kubeTime } from "./time.ts";

/** Condition types this kubelet owns; every other condition (readiness gates, InPlaceUpdateReady...) is left alone. */
export const KUBELET_CONDITIONS = [
  "PodReadyToStartContainers",
  "Initialized",
  "ContainersReady",
  "Ready",
  "PodScheduled",
] as const;

export interface StatusInputs {
  pod: Pod;
  runtime: PodRuntime;
  faults: PodFaults;
  hostIP: string;
  nodeReady: boolean;
  now: number;
}

/** The part of pod.status the kubelet writes, computed from its runtime and the pod's current conditions. */
export function desiredPodStatus(inputs: StatusInputs): PodStatus {
  const { pod, runtime, faults } = inputs;
  const specContainers = pod.spec?.containers ?? [];
  const records = specContainers.map((container) => runtime.containers.get(container.name));
  const containerStatuses = specContainers.map((container, i) =>
    containerStatus(container.name, container.image ?? "", records[i], faults),
  );
  const phase = podPhase(records);
  const terminal = phase === "Succeeded" || phase === "Failed";

  const unready = containerStatuses.filter((status) => !status.ready).map((status) => status.name);
  const containersReady = !terminal && unready.length === 0;
  const gate = readinessGateProblem(pod);
  const conditions: PodCondition[] = [
    condition(pod, "PodReadyToStartContainers", !terminal, inputs.now),
    condition(pod, "Initialized", true, inputs.now),
    containersReady
      ? condition(pod, "ContainersReady", true, inputs.now)
      : condition(
          pod,
          "ContainersReady",
          false,
          inputs.now,
          terminal ? "PodCompleted" : "ContainersNotReady",
          terminal ? "" : `containers with unready status: [${unready.join(" ")}]`,
        ),
    readyCondition(pod, inputs, terminal, containersReady, unready, gate),
  ];
  if (!pod.status?.conditions?.some((c) => c.type === "PodScheduled"))
    conditions.push(condition(pod, "PodScheduled", true, inputs.now));

  const status: PodStatus = {
    phase,
    hostIP: inputs.hostIP,
    hostIPs: [{ ip: inputs.hostIP }],
    podIP: runtime.podIP,
    podIPs: [{ ip: runtime.podIP }],
    startTime: runtime.startTime,
    conditions,
    containerStatuses,
  };
  const initContainers = pod.spec?.initContainers ?? [];
  if (initContainers.length > 0) {
    // Init containers are not simulated step by step: ordinary ones have completed, sidecars run.
    status.initContainerStatuses = initContainers.map((container) => {
      const sidecar = container.restartPolicy === "Always";
      return {
        name: container.name,
        image: container.image ?? "",
        imageID: container.image === undefined ? "" : imageIdFor(container.image),
        containerID: `containerd://init-${runtime.uid}-${container.name}`,
        ready: true,
        started: sidecar,
        restartCount: 0,
        state: sidecar
          ? { running: { startedAt: runtime.startTime } }
          : {
              terminated: {
                exitCode: 0,
                reason: "Completed",
                startedAt: runtime.startTime,
                finishedAt: runtime.startTime,
                containerID: `containerd://init-${runtime.uid}-${container.name}`,
              },
            },
      };
    });
  }
  return status;
}

function podPhase(records: Array<ContainerRuntime | undefined>): PodStatus["phase"] {
  if (records.length > 0 && records.every((r) => r?.state === "terminated")) {
    return records.every((r) => r?.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
  }
  return records.some((r) => r?.image === undefined) ? "Pending" : "Running";
}

function containerStatus(
  name: string,
  specImage: string,
  record: ContainerRuntime | undefined,
  faults: PodFaults,
): ContainerStatus {
  const running = record?.state === "running";
  const status: ContainerStatus = {
    name,
    image: record === undefined || record.state === "waiting" ? specImage : (record.image ?? specImage),
    imageID: record?.imageID ?? "",
    ready: running && !faults.notReady,
    started: running,
    restartCount: record?.restartCount ?? 0,
    state: containerState(record),
  };
  if (record !== undefined && record.containerID !== "") status.containerID = record.containerID;
  if (record?.lastTerminated !== undefined) status.lastState = { terminated: { ...record.lastTerminated } };
  return status;
}

function containerState(record: ContainerRuntime | undefined): ContainerState {
  if (record === undefined) return { waiting: { reason: "ContainerCreating" } };
  switch (record.state) {
    case "running":
      return { running: { startedAt: record.startedAt } };
    case "terminated":
      return { terminated: { ...(record.terminated ?? { exitCode: 0, reason: "Completed" }) } };
    default:
      return {
        waiting:
          record.waitingMessage === ""
            ? { reason: record.waitingReason }
            : { reason: record.waitingReason, message: record.waitingMessage },
      };
  }
}

/** Why readiness gates hold the pod back, in the kubelet's words, or undefined when all are True. */
function readinessGateProblem(pod: Pod): string | undefined {
  const problems: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const found = pod.status?.conditions?.find((c) => c.type === gate.conditionType);
    if (found === undefined)
      problems.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (found.status !== "True")
      problems.push(
        `the status of pod readiness gate "${gate.conditionType}" is not "True", but ${found.status}`,
      );
  }
  return problems.length === 0 ? undefined : problems.join(", ");
}

function readyCondition(
  pod: Pod,
  inputs: StatusInputs,
  terminal: boolean,
  containersReady: boolean,
  unready: string[],
  gateProblem: string | undefined,
): PodCondition {
  if (terminal) return condition(pod, "Ready", false, inputs.now, "PodCompleted", "");
  if (!containersReady)
    return condition(
      pod,
      "Ready",
      false,
      inputs.now,
      "ContainersNotReady",
      `containers with unready status: [${unready.join(" ")}]`,
    );
  if (gateProblem !== undefined)
    return condition(pod, "Ready", false, inputs.now, "ReadinessGatesNotReady", gateProblem);
  // What the node lifecycle controller does to pods of a NotReady node.
  if (!inputs.nodeReady)
    return condition(pod, "Ready", false, inputs.now, "NodeNotReady", "node is not ready");
  return condition(pod, "Ready", true, inputs.now);
}

/** A condition that keeps its lastTransitionTime while its status does not change. */
function condition(
  pod: Pod,
  type: string,
  value: boolean,
  now: number,
  reason = "",
  message = "",
): PodCondition {
  const status = value ? "True" : "False";
  const previous = pod.status?.conditions?.find((c) => c.type === type);
  const result: PodCondition = {
    type,
    status,
    lastTransitionTime:
      previous?.status === status && previous.lastTransitionTime !== undefined
        ? previous.lastTransitionTime
        : kubeTime(now),
  };
  if (reason !== "") result.reason = reason;
  if (message !== "") result.message = message;
  return result;
}
