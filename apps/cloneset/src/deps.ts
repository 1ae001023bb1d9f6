import type {
  BusEvent,
  Cache,
  Client,
  Clock,
  KubeObject,
  ResourceVersionExpectations,
  ScaleExpectations,
} from "@kruise/sdk";
import type { Logger } from "pino";
import type { FeatureGates } from "./feature-gates.ts";

/** What the reconciler needs from the Kubernetes Events recorder (the SDK's EventRecorder fits). */
export interface EventSink {
  event(obj: KubeObject, type: "Normal" | "Warning", reason: string, message: string): void;
}

/** What the reconciler needs from the NATS EventBus (the SDK's EventBus fits); publish never throws. */
export interface EventPublisher {
  publish(e: BusEvent): void;
}

/** Everything a CloneSet reconcile reads from and writes to. One instance per controller. */
export interface CloneSetDeps {
  readonly client: Client;
  readonly cache: Cache;
  readonly recorder: EventSink;
  readonly bus: EventPublisher | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly scaleExpectations: ScaleExpectations;
  readonly podVersions: ResourceVersionExpectations;
  readonly gates: FeatureGates;
  /** `--cloneset-scaling-exclude-preparing-delete`: exclude PreparingDelete pods from replicas everywhere. */
  readonly excludePreparingDeleteByDefault?: boolean;
}
