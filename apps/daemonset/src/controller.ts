import type { Node } from "kubernetes-types/core/v1.js";
import { DaemonSetKind } from "@kruise/api";
import {
  ControllerRevisionKind,
  NodeKind,
  PodKind,
  type Controller,
  type Manager,
  type Predicate,
  type ReadOnly,
  type Request,
} from "@kruise/sdk";
import { FailedPodBackoff } from "@kruise/workload";
import type { DaemonSetDeps } from "./deps.ts";
import { reconcileDaemonSet } from "./reconcile.ts";

export const CONTROLLER_NAME = "daemonset-controller";

/** Failed-pod backoff entries idle this long are dropped (Kubernetes' BackoffGCInterval). */
const BACKOFF_GC_INTERVAL_MS = 60_000;

export interface DaemonSetControllerOptions {
  /** Concurrent reconciles (distinct DaemonSets). OpenKruise's default is 3. */
  workers?: number;
}

/**
 * Registers the Advanced DaemonSet controller: it reconciles DaemonSets and is woken by their pods and revisions
 * (controller owner reference) and by node changes that can change where a daemon pod should run (a node added
 * or removed, its labels, taints or name-affecting fields); node heartbeats do not wake it. Pod events feed the
 * expectations before the owner is enqueued (the builder's slot).
 */
export function addDaemonSetController(mgr: Manager, options: DaemonSetControllerOptions = {}): Controller {
  const expectations = mgr.expectationsFor(CONTROLLER_NAME);
  const deps: DaemonSetDeps = {
    expectations: expectations.scale,
    podVersions: expectations.versions,
    backoff: new FailedPodBackoff(),
    publish: mgr.eventBus ? (e) => mgr.eventBus?.publish(e) : undefined,
  };
  const gc = setInterval(() => deps.backoff.gc(mgr.clock.now()), BACKOFF_GC_INTERVAL_MS);
  gc.unref();
  return (
    mgr
      .controller(CONTROLLER_NAME)
      .for(DaemonSetKind)
      // Pod events lower the scale and pod-version expectations before the owner is enqueued.
      .owns(PodKind, { expectations })
      .owns(ControllerRevisionKind)
      .watches(NodeKind, () => allDaemonSets(mgr), nodePlacementChanged)
      .workers(options.workers ?? 3)
      .reconcile(reconcileDaemonSet, deps)
  );
}

function allDaemonSets(mgr: Manager): Request[] {
  return mgr.cache
    .list(DaemonSetKind)
    .map((ds) => ({ namespace: ds.metadata?.namespace ?? "", name: ds.metadata?.name ?? "" }));
}

/** Only what decides placement wakes DaemonSets: labels and taints (node status heartbeats do not). */
const nodePlacementChanged: Predicate<Node> = (e) => {
  if (e.type !== "update" || !e.oldObject) return true;
  const view = (n: ReadOnly<Node>): string => JSON.stringify([n.metadata?.labels, n.spec?.taints]);
  return view(e.oldObject) !== view(e.object);
};
