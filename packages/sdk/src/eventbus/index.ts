export { EventBus, type EventBusOptions, type SubscribeOptions } from "./event-bus.ts";
export type { BusEvent, CloudEvent } from "./cloud-event.ts";
export { subjectFor, subjectPattern, cloudEventTypeFor, streamName, streamSubjects } from "./subject.ts";
export { busMessageId } from "./message-id.ts";
export { defaultStreamLimits, type StreamLimits } from "./stream.ts";
export { natsConnectionSettings, type NatsConnectionSettings } from "./nats-auth.ts";
export { NATS_SETTINGS } from "./nats-settings.ts";
export type { NatsTlsOptions } from "./nats-tls.ts";
