import type { BusEvent, Cache, ResourceVersionExpectations, ScaleExpectations } from "@kruise/sdk";
import type { RevisionAdapter, WorkloadDeps } from "@kruise/workload";
import type { FeatureGates } from "./feature-gates.ts";

/** What the reconciler needs from the NATS EventBus (the SDK's EventBus fits); publish never throws. */
export interface EventPublisher {
  publish(e: BusEvent): void;
}

/** The CloneSet controller's own dependencies, given once to the builder; every reconcile receives them. */
export interface CloneSetDeps {
  readonly bus: EventPublisher | undefined;
  readonly scaleExpectations: ScaleExpectations;
  readonly podVersions: ResourceVersionExpectations;
  readonly gates: FeatureGates;
  /** `--cloneset-scaling-exclude-preparing-delete`: exclude PreparingDelete pods from replicas everywhere. */
  readonly excludePreparingDeleteByDefault?: boolean;
}

/**
 * What one CloneSet reconcile works with: the workload kit's deps (client, recorder, clock and the reconcile's
 * logger from its context; pod version expectations; bus steps), plus the cache and CloneSet's own.
 */
export interface CloneSetRun extends WorkloadDeps {
  readonly cache: Cache;
  readonly bus: EventPublisher | undefined;
  readonly scaleExpectations: ScaleExpectations;
  readonly gates: FeatureGates;
  /** CloneSetShortHash on: pods carry only the revision hash. */
  readonly adapter: RevisionAdapter;
}
