// The manager's seam to the recorder/ and eventbus/ pieces: everything it needs from them goes through here.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Client } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import { EventBus, type NatsTlsOptions } from "../eventbus/index.ts";
import { EventRecorder } from "../recorder/index.ts";

/** A Kubernetes Events recorder (aggregated like client-go's) for one component. */
export function createRecorder(opts: {
  client: Client;
  component: string;
  clock: Clock;
  log: Logger;
}): EventRecorder {
  return new EventRecorder(opts);
}

/** The NATS JetStream EventBus. It does not need NATS at start-up and reconnects forever. */
export function createEventBus(opts: {
  servers: string;
  tls?: NatsTlsOptions;
  source: string;
  log: Logger;
  registry: Registry;
}): EventBus {
  return EventBus.start(opts);
}
