export { EventBus, type EventBusOptions, type SubscribeOptions } from "./event-bus.ts";
export type { BusEvent, CloudEvent } from "./cloud-event.ts";
export { subjectFor, cloudEventTypeFor, streamName, streamSubjects } from "./subject.ts";
export { defaultStreamLimits, type StreamLimits } from "./stream.ts";
export { natsConnectionSettings, type NatsConnectionSettings } from "./nats-auth.ts";
