import type { Logger } from "pino";
import type { EventPublisher } from "./deps.ts";

interface EventBusFactory {
  start(opts: { servers?: string; source: string; log?: Logger }): EventPublisher;
}

/**
 * The NATS publisher for this controller's step events, through @kruise/sdk's EventBus. Looked up at run time:
 * the EventBus landed in the SDK in parallel with this app, and a controller must run (without NATS events) if
 * it is missing rather than fail to start.
 */
export async function openEventBus(servers: string, source: string, log: Logger): Promise<EventPublisher | undefined> {
  const sdk = (await import("@kruise/sdk")) as unknown as Record<string, unknown>;
  const factory = sdk["EventBus"] as EventBusFactory | undefined;
  if (factory === undefined || typeof factory.start !== "function") {
    log.warn("@kruise/sdk has no EventBus; running without NATS events");
    return undefined;
  }
  return factory.start({ servers, source, log });
}
