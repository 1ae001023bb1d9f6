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

/** Everything a StatefulSet reconcile reads from and writes to. One instance per controller. */
export interface StatefulSetDeps {
  readonly client: Client;
  readonly cache: Cache;
  readonly recorder: Pick<EventRecorder, "event">;
  /** The manager's EventBus when NATS is configured; publish never blocks or throws. */
  readonly bus: Pick<EventBus, "publish"> | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly scaleExpectations: ScaleExpectations;
  readonly podVersions: ResourceVersionExpectations;
}
