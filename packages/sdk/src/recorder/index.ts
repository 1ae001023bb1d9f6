export { EventRecorder, type EventRecorderOptions, type EventType } from "./event-recorder.ts";
export { eventKind } from "./event-kind.ts";
