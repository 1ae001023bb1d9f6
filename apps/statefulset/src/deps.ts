import type {
  Cache,
  Client,
  Clock,
  EventBus,
  EventRecorder,
  ResourceVersionExpectations,
  ScaleExpectations,
} from "@kruise/sdk";
import type { Logger } from "pino";

/** The StatefulSet controller's own dependencies, given once to the builder; every reconcile receives them. */
export interface StatefulSetControllerDeps {
  /** The manager's EventBus when NATS is configured; publish never blocks or throws. */
  readonly bus: Pick<EventBus, "publish"> | undefined;
  readonly scaleExpectations: ScaleExpectations;
  readonly podVersions: ResourceVersionExpectations;
}

/**
 * Everything one StatefulSet reconcile reads from and writes to: the controller's dependencies plus the client,
 * cache, recorder, clock and logger (controller, namespace, name, reconcileID) of the reconcile's context.
 */
export interface StatefulSetDeps extends StatefulSetControllerDeps {
  readonly client: Client;
  readonly cache: Cache;
  readonly recorder: Pick<EventRecorder, "event">;
  readonly clock: Clock;
  readonly log: Logger;
}
