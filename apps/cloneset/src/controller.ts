import { CloneSetKind } from "@kruise/api";
import type { KubeObject, Manager, ReadOnly } from "@kruise/sdk";
import {
  ControllerRevisionKind,
  NodeKind,
  PersistentVolumeClaimKind,
  PodKind,
  ResourceVersionExpectations,
  ScaleExpectations,
} from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { CloneSetDeps, EventPublisher } from "./deps.ts";
import type { FeatureGates } from "./feature-gates.ts";
import { nodeLabelsOnly, trimWorkloadPod } from "@kruise/workload";
import { reconcileCloneSet } from "./reconcile.ts";

export const CONTROLLER_NAME = "cloneset-controller";

export interface CloneSetControllerOptions {
  readonly workers: number;
  readonly gates: FeatureGates;
  readonly bus?: EventPublisher | undefined;
  readonly excludePreparingDeleteByDefault?: boolean;
  /** Watch and reconcile one namespace only (tests, and clusters that give the controller a namespace). */
  readonly namespace?: string | undefined;
}

/** The CloneSet owning an object through its controller reference, as an expectations key. */
function ownerKey(obj: ReadOnly<KubeObject>): string | undefined {
  const ref = obj.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (ref?.kind !== CloneSetKind.kind || !ref.apiVersion.startsWith(`${CloneSetKind.group}/`))
    return undefined;
  return `${obj.metadata?.namespace ?? ""}/${ref.name}`;
}

/**
 * Declares the CloneSet controller on a manager: reconcile CloneSets, wake the owner on changes to its pods,
 * PVCs and ControllerRevisions, and feed pod events into the expectations before the owner is enqueued.
 */
export function addCloneSetController(mgr: Manager, options: CloneSetControllerOptions): void {
  const log = mgr.log.child({ controller: CONTROLLER_NAME });
  const scaleExpectations = new ScaleExpectations({
    name: CONTROLLER_NAME,
    clock: mgr.clock,
    registry: mgr.registry,
    log,
  });
  const podVersions = new ResourceVersionExpectations({
    name: CONTROLLER_NAME,
    clock: mgr.clock,
    registry: mgr.registry,
    log,
  });
  // The first informerFor() call fixes an informer's options: scope (one namespace, or all) and the pod transform
  // are set here, before the builder asks for the same informers.
  const scoped =
    options.namespace !== undefined && options.namespace !== "" ? { namespace: options.namespace } : {};
  mgr.cache.informerFor(CloneSetKind, scoped);
  mgr.cache.informerFor(PodKind, { ...scoped, transform: trimWorkloadPod });
  mgr.cache.informerFor(PersistentVolumeClaimKind, scoped);
  mgr.cache.informerFor(ControllerRevisionKind, scoped);
  // Node labels rank scale-down victims by topology domain (topologySpreadConstraints); nothing else of a Node.
  mgr.cache.informerFor(NodeKind, { transform: nodeLabelsOnly });
  // Registered before the builder's handlers, so the expectation is lowered before the owner is reconciled.
  mgr.cache.informerFor(PodKind).addEventHandler({
    onAdd: (pod: ReadOnly<Pod>) => {
      const key = ownerKey(pod);
      if (key !== undefined) scaleExpectations.creationObserved(key, pod.metadata?.name ?? "");
      podVersions.observe(pod as KubeObject);
    },
    onUpdate: (old: ReadOnly<Pod>, pod: ReadOnly<Pod>) => {
      const key = ownerKey(pod);
      if (
        key !== undefined &&
        old.metadata?.deletionTimestamp === undefined &&
        pod.metadata?.deletionTimestamp !== undefined
      ) {
        scaleExpectations.deletionObserved(key, pod.metadata.name ?? "");
      }
      podVersions.observe(pod as KubeObject);
    },
    onDelete: (pod: ReadOnly<Pod>) => {
      const key = ownerKey(pod);
      if (key !== undefined) scaleExpectations.deletionObserved(key, pod.metadata?.name ?? "");
      podVersions.delete(pod.metadata?.uid ?? "");
    },
  });
  const deps: CloneSetDeps = {
    bus: options.bus,
    scaleExpectations,
    podVersions,
    gates: options.gates,
    excludePreparingDeleteByDefault: options.excludePreparingDeleteByDefault === true,
  };
  mgr
    .controller(CONTROLLER_NAME)
    .for(CloneSetKind)
    .owns(PodKind)
    .owns(PersistentVolumeClaimKind)
    .owns(ControllerRevisionKind)
    .workers(options.workers)
    .reconcile(reconcileCloneSet, deps);
}
