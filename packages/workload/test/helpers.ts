import type { Node, Pod } from "kubernetes-types/core/v1.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  LIFECYCLE_STATE_LABEL,
  SPECIFIED_DELETE_LABEL,
} from "../src/keys.ts";

export const NOW = Date.parse("2026-01-01T00:00:00Z");
export const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export interface PodShape {
  name?: string;
  revision?: string;
  state?: string;
  ready?: boolean;
  /** Seconds before NOW the pod became Ready. */
  readyForSeconds?: number;
  specifiedDelete?: boolean;
  phase?: string;
  node?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  restarts?: number;
  createdSecondsAgo?: number;
  uid?: string;
}

let counter = 0;

/** A pod built from the few facts a table row cares about. */
export function pod(shape: PodShape = {}): Pod {
  const name = shape.name ?? `pod-${++counter}`;
  const labels: Record<string, string> = { ...(shape.labels ?? {}) };
  if (shape.revision !== undefined) labels[CONTROLLER_REVISION_HASH_LABEL] = shape.revision;
  if (shape.state !== undefined) labels[LIFECYCLE_STATE_LABEL] = shape.state;
  if (shape.specifiedDelete === true) labels[SPECIFIED_DELETE_LABEL] = "true";
  const ready = shape.ready === true;
  const phase = shape.phase ?? (ready ? "Running" : undefined);
  return {
    metadata: {
      name,
      namespace: "default",
      uid: shape.uid ?? name,
      labels,
      ...(shape.annotations !== undefined ? { annotations: shape.annotations } : {}),
      ...(shape.createdSecondsAgo !== undefined
        ? { creationTimestamp: iso(NOW - shape.createdSecondsAgo * 1000) }
        : {}),
    },
    spec: {
      containers: [{ name: "main", image: "nginx:1" }],
      ...(shape.node !== undefined ? { nodeName: shape.node } : {}),
    },
    status: {
      ...(phase !== undefined ? { phase } : {}),
      conditions: ready
        ? [
            {
              type: "Ready",
              status: "True",
              lastTransitionTime: iso(NOW - (shape.readyForSeconds ?? 3600) * 1000),
            },
          ]
        : [],
      ...(shape.restarts !== undefined
        ? {
            containerStatuses: [
              { name: "main", image: "nginx:1", imageID: "id1", ready, restartCount: shape.restarts },
            ],
          }
        : {}),
    },
  };
}

/** `n` copies of a pod shape. */
export function pods(n: number, shape: PodShape): Pod[] {
  return Array.from({ length: n }, () => pod(shape));
}

export const names = (list: readonly Pod[]): string[] => list.map((p) => p.metadata?.name ?? "");

/** A schedulable node with room for anything (32 cpu, 128Gi, 250 pods), optional labels, taints and cordon. */
export function node(
  name: string,
  extra: {
    labels?: Record<string, string>;
    taints?: Node["spec"] extends infer S ? (S extends { taints?: infer T } ? T : never) : never;
    unschedulable?: boolean;
  } = {},
): Node {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": name, ...extra.labels } },
    spec: {
      ...(extra.taints ? { taints: extra.taints } : {}),
      ...(extra.unschedulable ? { unschedulable: true } : {}),
    },
    status: { allocatable: { cpu: "32", memory: "128Gi", pods: "250" } },
  };
}
