import { trimObject } from "@kruise/sdk";
import type { Container, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1.js";
import { CONTAINER_BARRIER_ENV, CONTAINER_PRIORITY_ENV } from "../keys.ts";
import { envMetadataRef } from "../inplace/env-from-metadata.ts";

// Only these env vars matter to the controller (in-place update batches by container launch priority), and those
// from the pod's labels or annotations (an env-from-metadata update is complete when their values' hash matches).
const KEPT_ENV: ReadonlySet<string> = new Set([CONTAINER_PRIORITY_ENV, CONTAINER_BARRIER_ENV]);

/**
 * What a workload controller (CloneSet today) keeps of each pod in its informer cache: identity, labels, annotations, owners, finalizers, node,
 * container names/images/requests/limits/resizePolicy, their env from metadata, readiness gates, and the status fields the scale, update and
 * availability maths read (the resources the kubelet applied among them). Everything else (volumes, env, probes,
 * condition messages …) is dropped before storing, which more than
 * halves the cache with thousands of pods. Safe because the controller never writes a cached pod back whole: its pod
 * writes are patches naming only the fields they change.
 *
 * Caveats: a controller that reads more of the pod (DaemonSet's tolerations and affinity, a scheduler predicate)
 * needs its own transform or a wider one; a cached pod trimmed here must never be written back with update().
 */
export function trimWorkloadPod(pod: Pod): Pod {
  trimObject(pod);
  const spec = pod.spec;
  if (spec !== undefined) {
    pod.spec = {
      ...(spec.nodeName !== undefined ? { nodeName: spec.nodeName } : {}),
      ...(spec.readinessGates !== undefined ? { readinessGates: spec.readinessGates } : {}),
      containers: spec.containers.map(trimContainer),
    };
  }
  const status = pod.status;
  if (status !== undefined) {
    (pod as { status?: PodStatus }).status = {
      ...(status.phase !== undefined ? { phase: status.phase } : {}),
      ...(status.conditions !== undefined ? { conditions: status.conditions.map(trimCondition) } : {}),
      ...(status.containerStatuses !== undefined
        ? {
            containerStatuses: status.containerStatuses.map((c) => ({
              name: c.name,
              image: c.image,
              imageID: c.imageID,
              ready: c.ready,
              restartCount: c.restartCount,
              // kruise-daemon's runtime-containers-meta names containers by it (env-from-metadata completion).
              ...(c.containerID !== undefined ? { containerID: c.containerID } : {}),
              // What the kubelet applied: a resize is complete when it shows the spec's values.
              ...(c.resources !== undefined ? { resources: requestsAndLimits(c.resources) } : {}),
            })),
          }
        : {}),
    };
  }
  return pod;
}

function trimContainer(c: Container): Container {
  const env = c.env?.filter((e) => KEPT_ENV.has(e.name) || envMetadataRef(e) !== undefined);
  return {
    name: c.name,
    ...(c.image !== undefined ? { image: c.image } : {}),
    ...(env !== undefined && env.length > 0 ? { env } : {}),
    // In-place vertical scaling: the resize patch, its completion and whether it restarts the container.
    ...(c.resources !== undefined ? { resources: requestsAndLimits(c.resources) } : {}),
    ...(c.resizePolicy !== undefined ? { resizePolicy: c.resizePolicy } : {}),
  };
}

function requestsAndLimits(r: NonNullable<Container["resources"]>): NonNullable<Container["resources"]> {
  return {
    ...(r.requests !== undefined ? { requests: r.requests } : {}),
    ...(r.limits !== undefined ? { limits: r.limits } : {}),
  };
}

function trimCondition(c: PodCondition): PodCondition {
  // KruisePodReady's message carries the not-ready entries the lifecycle code reads; other messages are prose.
  const keepMessage = c.type === "KruisePodReady" && c.message !== undefined;
  return {
    type: c.type,
    status: c.status,
    // The reason is kept: `PodScheduled=False` with reason Unschedulable is what adaptive scheduling waits for.
    ...(c.reason !== undefined ? { reason: c.reason } : {}),
    ...(c.lastTransitionTime !== undefined ? { lastTransitionTime: c.lastTransitionTime } : {}),
    ...(keepMessage ? { message: c.message } : {}),
  };
}
