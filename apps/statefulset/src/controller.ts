import { StatefulSetKind, type StatefulSet } from "@kruise/api";
import type { KubeObject, Manager, ReadOnly } from "@kruise/sdk";
import {
  controllerOf,
  ControllerRevisionKind,
  PersistentVolumeClaimKind,
  PodKind,
  ResourceVersionExpectations,
  ScaleExpectations,
} from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isClaimOfSet } from "./claims.ts";
import type { StatefulSetDeps } from "./deps.ts";
import { createStatefulSetReconciler } from "./reconcile.ts";

export const CONTROLLER_NAME = "statefulset-controller";

export interface StatefulSetControllerOptions {
  readonly workers: number;
  readonly bus?: StatefulSetDeps["bus"];
  /** Watch and reconcile one namespace only (tests, and clusters that give the controller a namespace). */
  readonly namespace?: string | undefined;
}

/** The Advanced StatefulSet owning an object through its controller reference, as an expectations key. */
function ownerKey(obj: ReadOnly<KubeObject>): string | undefined {
  const ref = controllerOf(obj, StatefulSetKind);
  return ref === undefined ? undefined : `${obj.metadata?.namespace ?? ""}/${ref.name}`;
}

/**
 * Declares the controller on a manager: reconcile Advanced StatefulSets (v1beta1, the stored version), wake the
 * owner on changes to its pods and ControllerRevisions and to claims named after it, and feed pod events into the
 * expectations before the owner is enqueued.
 */
export function addStatefulSetController(mgr: Manager, options: StatefulSetControllerOptions): void {
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
  const scoped =
    options.namespace !== undefined && options.namespace !== "" ? { namespace: options.namespace } : {};
  mgr.cache.informerFor(StatefulSetKind, scoped);
  mgr.cache.informerFor(PodKind, scoped);
  mgr.cache.informerFor(PersistentVolumeClaimKind, scoped);
  mgr.cache.informerFor(ControllerRevisionKind, scoped);
  // Registered before the builder's handlers, so an expectation is lowered before the owner is reconciled.
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
      )
        scaleExpectations.deletionObserved(key, pod.metadata.name ?? "");
      podVersions.observe(pod as KubeObject);
    },
    onDelete: (pod: ReadOnly<Pod>) => {
      const key = ownerKey(pod);
      if (key !== undefined) scaleExpectations.deletionObserved(key, pod.metadata?.name ?? "");
      podVersions.delete(pod.metadata?.uid ?? "");
    },
  });
  const deps: StatefulSetDeps = {
    client: mgr.client.forController(CONTROLLER_NAME),
    cache: mgr.cache,
    recorder: mgr.recorderFor(CONTROLLER_NAME),
    bus: options.bus,
    clock: mgr.clock,
    log,
    scaleExpectations,
    podVersions,
  };
  const reconcile = createStatefulSetReconciler(deps);
  mgr
    .controller(CONTROLLER_NAME)
    .for(StatefulSetKind)
    .owns(PodKind)
    .owns(ControllerRevisionKind)
    // Claims are often owned by nobody (Retain): a claim wakes the sets whose naming pattern it fits.
    .watches(PersistentVolumeClaimKind, (claim) => {
      const namespace = claim.metadata?.namespace ?? "";
      return mgr.cache
        .list(StatefulSetKind, { namespace })
        .filter((set) => isClaimOfSet(set as StatefulSet, claim.metadata?.name ?? ""))
        .map((set) => ({ namespace, name: set.metadata?.name ?? "" }));
    })
    .workers(options.workers)
    .reconcile((request) => reconcile(request));
}
