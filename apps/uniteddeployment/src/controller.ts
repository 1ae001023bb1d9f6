import { SUBSET_NAME_LABEL, UnitedDeploymentKind, type UnitedDeployment } from "@kruise/api";
import type { KubeObject, Manager, ReadOnly, Request } from "@kruise/sdk";
import { ControllerRevisionKind, namespaceScope, PodKind } from "@kruise/sdk";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  selectorMatches,
  subsetNameOf,
  SUBSET_WORKLOAD_TYPES,
  trimWorkloadPod,
  type SubsetWorkloadObject,
} from "@kruise/workload";
import { ownerOfSubsetEvent, SUBSET_STATUS_SUBJECTS } from "./bus.ts";
import type { UnitedDeploymentDeps } from "./deps.ts";
import { reconcileUnitedDeployment } from "./reconcile.ts";
import { SUBSET_KINDS } from "./subset-kinds.ts";

export const CONTROLLER_NAME = "uniteddeployment-controller";

export interface UnitedDeploymentControllerOptions {
  readonly workers: number;
  /** Watch and reconcile one namespace only (tests, and clusters that give the controller a namespace). */
  readonly namespace?: string | undefined;
}

/**
 * Declares the controller on a manager: reconcile UnitedDeployments; wake one when a subset workload it owns
 * (any of the four kinds) changes, and when a pod of one of its subsets changes (the updated and pending counts
 * are read from pods), and on NATS when a subset's controller announces a new status. Subset events feed the creation
 * and write expectations before the owner is enqueued (the builder's slot).
 */
export function addUnitedDeploymentController(
  mgr: Manager,
  options: UnitedDeploymentControllerOptions,
): void {
  const { scale: creations, versions: subsetVersions } = mgr.expectationsFor(CONTROLLER_NAME);
  const scoped = namespaceScope(options.namespace);
  mgr.cache.informerFor(UnitedDeploymentKind, scoped);
  const podInformer = { ...scoped, transform: trimWorkloadPod };
  mgr.cache.informerFor(PodKind, podInformer);
  mgr.cache.informerFor(ControllerRevisionKind, scoped);
  // The UnitedDeployment's own status writes: keyed by UID like the subsets' (never the same UIDs), read by the
  // reconcile against the cached copy (satisfied() needs no informer feed).
  const deps: UnitedDeploymentDeps = {
    creations,
    subsetVersions,
    ownStatusVersions: subsetVersions,
    types: SUBSET_WORKLOAD_TYPES,
  };
  let builder = mgr.controller(CONTROLLER_NAME).for(UnitedDeploymentKind);
  // Subset events lower the creation (by subset name: the workloads are created with generateName) and write
  // expectations before the owner is enqueued.
  const expectations = {
    scale: creations,
    versions: subsetVersions,
    scaleName: (obj: ReadOnly<KubeObject>) => subsetNameOf(obj as SubsetWorkloadObject),
  };
  for (const type of SUBSET_WORKLOAD_TYPES)
    builder = builder.owns(SUBSET_KINDS[type], { informer: scoped, expectations });
  // With --nats-url: a subset's new status wakes its owner before the informer delivers it (inactive without NATS).
  for (const subject of SUBSET_STATUS_SUBJECTS) builder = builder.watchesEvents(subject, ownerOfSubsetEvent);
  builder
    // Pods belong to the subset workloads (or their ReplicaSets); the subset-name label marks the ones of a
    // UnitedDeployment, and its selector says which.
    .watches(
      PodKind,
      (pod: ReadOnly<Pod>): Request[] => {
        const labels = pod.metadata?.labels ?? {};
        if (labels[SUBSET_NAME_LABEL] === undefined) return [];
        const namespace = pod.metadata?.namespace ?? "";
        return mgr.cache
          .list(UnitedDeploymentKind, { namespace })
          .filter((ud) => selectorMatches((ud as UnitedDeployment).spec?.selector, labels))
          .map((ud) => ({ namespace, name: ud.metadata?.name ?? "" }));
      },
      // The same trimmed pods as the informer above: the builder refuses a watch that would read them untrimmed.
      { informer: podInformer },
    )
    .workers(options.workers)
    .reconcile(reconcileUnitedDeployment, deps);
}
