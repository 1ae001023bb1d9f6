import type { BusEvent, ResourceVersionExpectations, ScaleExpectations } from "@kruise/sdk";
import type { FailedPodBackoff, RandomInt } from "@kruise/workload";

/** What the DaemonSet reconciler needs beyond the per-reconcile context; built once in controller.ts. */
export interface DaemonSetDeps {
  /** Creates and deletes the cache has not shown yet, by pod name, per DaemonSet. */
  readonly expectations: ScaleExpectations;
  /** Pod writes (in place, lifecycle, conditions) the cache has not shown yet. */
  readonly podVersions: ResourceVersionExpectations;
  readonly backoff: FailedPodBackoff;
  /** Publishes on the EventBus; undefined without --nats-url. */
  readonly publish: ((event: BusEvent) => void) | undefined;
  /** Random source for pod name suffixes (tests inject one). */
  readonly random?: RandomInt;
}
