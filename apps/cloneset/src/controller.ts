import { CloneSetKind } from "@kruise/api";
import type { Manager } from "@kruise/sdk";
import {
  ControllerRevisionKind,
  namespaceScope,
  NodeKind,
  PersistentVolumeClaimKind,
  PodKind,
} from "@kruise/sdk";
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

/**
 * Declares the CloneSet controller on a manager: reconcile CloneSets, wake the owner on changes to its pods,
 * PVCs and ControllerRevisions; pod events feed the expectations before the owner is enqueued (the builder's slot).
 */
export function addCloneSetController(mgr: Manager, options: CloneSetControllerOptions): void {
  const expectations = mgr.expectationsFor(CONTROLLER_NAME);
  // Each kind's informer options (scope: one namespace, or all; the pod trim) are declared once, on its watch.
  const scoped = namespaceScope(options.namespace);
  // Node labels rank scale-down victims by topology domain (topologySpreadConstraints); nothing else of a Node. Read
  // from the cache only (no watch), so declared here.
  mgr.cache.informerFor(NodeKind, { transform: nodeLabelsOnly });
  const deps: CloneSetDeps = {
    bus: options.bus,
    scaleExpectations: expectations.scale,
    podVersions: expectations.versions,
    gates: options.gates,
    excludePreparingDeleteByDefault: options.excludePreparingDeleteByDefault === true,
  };
  mgr
    .controller(CONTROLLER_NAME)
    .for(CloneSetKind, { informer: scoped })
    // Pod events lower the scale and pod-version expectations before the owner is enqueued.
    .owns(PodKind, {
      informer: { ...scoped, transform: trimWorkloadPod },
      expectations,
    })
    // PVC events lower the scale expectations too: a reconcile must not see a claim we just deleted (its pod already
    // gone from the cache) as an orphan to reuse, nor miss one we just created (OpenKruise expects both).
    .owns(PersistentVolumeClaimKind, { informer: scoped, expectations: { scale: expectations.scale } })
    .owns(ControllerRevisionKind, { informer: scoped })
    .workers(options.workers)
    .reconcile(reconcileCloneSet, deps);
}
