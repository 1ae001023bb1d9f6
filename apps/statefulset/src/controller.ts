import { StatefulSetKind, type StatefulSet } from "@kruise/api";
import type { Manager } from "@kruise/sdk";
import { ControllerRevisionKind, namespaceScope, PersistentVolumeClaimKind, PodKind } from "@kruise/sdk";
import { isClaimOfSet } from "./claims.ts";
import type { StatefulSetControllerDeps } from "./deps.ts";
import { reconcileStatefulSet } from "./reconcile.ts";

export const CONTROLLER_NAME = "statefulset-controller";

export interface StatefulSetControllerOptions {
  readonly workers: number;
  readonly bus?: StatefulSetControllerDeps["bus"];
  /** Watch and reconcile one namespace only (tests, and clusters that give the controller a namespace). */
  readonly namespace?: string | undefined;
}

/**
 * Declares the controller on a manager: reconcile Advanced StatefulSets (v1beta1, the stored version), wake the
 * owner on changes to its pods and ControllerRevisions and to claims named after it, and feed pod events into the
 * expectations before the owner is enqueued.
 */
export function addStatefulSetController(mgr: Manager, options: StatefulSetControllerOptions): void {
  const expectations = mgr.expectationsFor(CONTROLLER_NAME);
  const scoped = namespaceScope(options.namespace);
  const deps: StatefulSetControllerDeps = {
    bus: options.bus,
    scaleExpectations: expectations.scale,
    podVersions: expectations.versions,
  };
  mgr
    .controller(CONTROLLER_NAME)
    .for(StatefulSetKind, { informer: scoped })
    // Pod events lower the scale and pod-version expectations before the owner is enqueued.
    .owns(PodKind, { informer: scoped, expectations })
    .owns(ControllerRevisionKind, { informer: scoped })
    // Claims are often owned by nobody (Retain): a claim wakes the sets whose naming pattern it fits.
    .watches(
      PersistentVolumeClaimKind,
      (claim) => {
        const namespace = claim.metadata?.namespace ?? "";
        return mgr.cache
          .list(StatefulSetKind, { namespace })
          .filter((set) => isClaimOfSet(set as StatefulSet, claim.metadata?.name ?? ""))
          .map((set) => ({ namespace, name: set.metadata?.name ?? "" }));
      },
      { informer: scoped },
    )
    .workers(options.workers)
    .reconcile(reconcileStatefulSet, deps);
}
