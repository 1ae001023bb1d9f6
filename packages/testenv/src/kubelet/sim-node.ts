import type { Node, NodeCondition, NodeStatus, Taint } from "kubernetes-types/core/v1.js";
import { NOT_READY_ANNOTATION, SIMULATED_NODE_LABEL } from "./annotations.ts";
import type { NodeCapacity } from "./kubelet-options.ts";
import { kubeTime } from "./time.ts";

export interface SimNode {
  name: string;
  zone: string;
  /** The node's InternalIP, also every pod's hostIP. */
  hostIP: string;
}

/** The taint the TaintNodesByCondition admission plugin puts on new nodes, which the node lifecycle controller would lift. */
export const NOT_READY_TAINT: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" };

export function simNodes(count: number, zones: string[], prefix: string): SimNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}${i}`,
    zone: zones[i % zones.length] ?? "zone-a",
    hostIP: `172.18.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}`,
  }));
}

export function nodeObject(node: SimNode): Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      labels: {
        "kubernetes.io/hostname": node.name,
        "topology.kubernetes.io/zone": node.zone,
        "topology.kubernetes.io/region": "testenv",
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        [SIMULATED_NODE_LABEL]: "true",
      },
    },
    spec: {},
  };
}

/** Ready unless the node carries the not-ready annotation or the in-process override says so. */
export function nodeWantsReady(node: Node | undefined, override: boolean | undefined): boolean {
  if (override !== undefined) return override;
  return node?.metadata?.annotations?.[NOT_READY_ANNOTATION] !== "true";
}

export function nodeIsReady(node: Node | undefined): boolean {
  return node?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export function hasNotReadyTaint(node: Node | undefined): boolean {
  return (
    node?.spec?.taints?.some((t) => t.key === NOT_READY_TAINT.key && t.effect === NOT_READY_TAINT.effect) ??
    false
  );
}

/** The node status a healthy (or deliberately unhealthy) kubelet reports. */
export function nodeStatus(node: SimNode, capacity: NodeCapacity, ready: boolean, now: number): NodeStatus {
  const time = kubeTime(now);
  const pressure = (type: string, reason: string, message: string): NodeCondition => ({
    type,
    status: "False",
    reason,
    message,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
  });
  return {
    capacity: { ...capacity },
    allocatable: { ...capacity },
    conditions: [
      pressure("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
      pressure("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
      pressure("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
      {
        type: "Ready",
        status: ready ? "True" : "False",
        reason: ready ? "KubeletReady" : "KubeletNotReady",
        message: ready ? "kubelet is posting ready status" : "testenv: node marked not ready",
        lastHeartbeatTime: time,
        lastTransitionTime: time,
      },
    ],
    addresses: [
      { type: "InternalIP", address: node.hostIP },
      { type: "Hostname", address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: node.name,
      systemUUID: node.name,
      bootID: node.name,
      kernelVersion: "6.0.0-testenv",
      osImage: "testenv simulated node",
      containerRuntimeVersion: "containerd://2.0.0-testenv",
      kubeletVersion: "v1.36.3",
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64",
    },
  };
}

/** The node's taints with the not-ready taint added or removed to match `ready`. */
export function taintsFor(node: Node | undefined, ready: boolean): Taint[] {
  const others = (node?.spec?.taints ?? []).filter(
    (t) => !(t.key === NOT_READY_TAINT.key && t.effect === NOT_READY_TAINT.effect),
  );
  return ready ? others : [...others, { ...NOT_READY_TAINT, timeAdded: kubeTime() }];
}
