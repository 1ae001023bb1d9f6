import type { StatefulSet } from "@kruise/api";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  LifecycleState,
  POD_INDEX_LABEL,
  STATEFULSET_POD_NAME_LABEL,
  StatefulSetKind,
} from "@kruise/api";
import { controllerRef } from "@kruise/sdk";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import {
  checkInPlaceUpdateCompleted,
  cloneJson,
  isPodAllHooked,
  isPodAtRevision,
  isPodReady,
  isWorkloadPodAvailable,
  lifecycleStateMetadata,
  podOrdinal,
  statefulPodName,
  volumesWithClaims,
  type Lifecycle,
  type OrdinalPod,
} from "@kruise/workload";
import { SPECIFIED_DELETE_LABEL } from "@kruise/api";

/**
 * The reference every pod and revision of the set carries (a controller reference); `controller: false` gives the
 * plain reference a claim gets under whenDeleted: Delete (the set owns it, but does not control it).
 */
export function ownerRefTo(set: StatefulSet, controller = true): OwnerReference {
  const ref = controllerRef(StatefulSetKind, set);
  return controller ? ref : { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid };
}

/** A pod of this set with its parsed ordinal, or undefined for a name that is not `<set>-<n>`. */
export interface SetPod {
  readonly pod: Pod;
  readonly view: OrdinalPod;
}

/** What the ordinal plans need about a pod (see OrdinalPod), at `now`. */
export function viewPod(
  set: StatefulSet,
  pod: Pod,
  updateRevision: string,
  minReadySeconds: number,
  now: number,
): SetPod | undefined {
  const ordinal = podOrdinal(set.metadata?.name ?? "", pod.metadata?.name ?? "");
  if (ordinal === undefined) return undefined;
  const phase = pod.status?.phase;
  const runningAndReady = phase === "Running" && isPodReady(pod);
  return {
    pod,
    view: {
      name: pod.metadata?.name ?? "",
      ordinal,
      terminating: pod.metadata?.deletionTimestamp !== undefined,
      finished: phase === "Failed" || phase === "Succeeded",
      runningAndReady,
      available:
        runningAndReady &&
        isWorkloadPodAvailable(pod, minReadySeconds, now) &&
        checkInPlaceUpdateCompleted(pod).completed,
      updated: isPodAtRevision(pod, updateRevision),
      specifiedDelete: pod.metadata?.labels?.[SPECIFIED_DELETE_LABEL] !== undefined,
    },
  };
}

export interface NewStatefulPodInput {
  readonly set: StatefulSet;
  readonly ordinal: number;
  readonly revision: string;
  /** The template of `revision`. */
  readonly template: PodTemplateSpec;
  /** The ordinal's claims by template name; their volumes replace same-named template volumes. */
  readonly claims: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly lifecycle: Lifecycle | undefined;
  readonly now: number;
}

/**
 * A pod for one ordinal, as Kubernetes' StatefulSet creates it: `<set>-<n>`, hostname = its name, subdomain =
 * serviceName, labels pod-name, pod-index and controller-revision-hash, one PVC volume per claim template,
 * owned by the set. With lifecycle hooks, it starts PreparingNormal until the preNormal hook is satisfied,
 * Normal otherwise.
 */
export function newStatefulPod(input: NewStatefulPodInput): Pod {
  const template = cloneJson(input.template);
  const name = statefulPodName(input.set.metadata?.name ?? "", input.ordinal);
  const spec = template.spec ?? { containers: [] };
  spec.hostname = name;
  if (input.set.spec?.serviceName) spec.subdomain = input.set.spec.serviceName;
  if (input.claims.size > 0) spec.volumes = volumesWithClaims(spec.volumes, input.claims);
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: input.set.metadata?.namespace ?? "",
      labels: {
        ...(template.metadata?.labels ?? {}),
        [CONTROLLER_REVISION_HASH_LABEL]: input.revision,
        [STATEFULSET_POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(input.ordinal),
      },
      annotations: { ...(template.metadata?.annotations ?? {}) },
      ...(template.metadata?.finalizers !== undefined ? { finalizers: template.metadata.finalizers } : {}),
      ownerReferences: [ownerRefTo(input.set)],
    },
    spec,
  };
  if (input.lifecycle !== undefined) {
    const preNormal = input.lifecycle.preNormal;
    const state =
      preNormal !== undefined && !isPodAllHooked(preNormal, pod)
        ? LifecycleState.PreparingNormal
        : LifecycleState.Normal;
    const meta = lifecycleStateMetadata(state, input.now);
    Object.assign(pod.metadata?.labels ?? {}, meta.labels);
    Object.assign(pod.metadata?.annotations ?? {}, meta.annotations);
  }
  return pod;
}
