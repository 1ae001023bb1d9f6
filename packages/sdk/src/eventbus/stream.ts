import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { streamName, streamSubjects } from "./subject.ts";

export interface StreamLimits {
  /** Events older than this are discarded. Default 24 h. */
  maxAgeMs: number;
  /** The stream's size cap; the oldest events go first. Default 1 GiB. */
  maxBytes: number;
  /** JetStream drops a second message with the same Nats-Msg-Id within this window. Default 2 min. */
  duplicateWindowMs: number;
  /** Stream replicas (1 for a single NATS server). */
  replicas: number;
}

export const defaultStreamLimits: StreamLimits = {
  maxAgeMs: 24 * 60 * 60_000,
  maxBytes: 1024 * 1024 * 1024,
  duplicateWindowMs: 2 * 60_000,
  replicas: 1,
};

/** Creates the KRUISE stream, or updates it when its subjects or limits differ from what we want. */
export async function ensureStream(
  jsm: JetStreamManager,
  limits: StreamLimits,
): Promise<"created" | "updated" | "unchanged"> {
  const wanted = {
    subjects: [streamSubjects],
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    duplicate_window: nanos(limits.duplicateWindowMs),
    num_replicas: limits.replicas,
  };
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(streamName)).config;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    await jsm.streams.add({
      name: streamName,
      ...wanted,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
    });
    return "created";
  }
  const same =
    current.subjects?.length === 1 &&
    current.subjects[0] === streamSubjects &&
    current.max_age === wanted.max_age &&
    current.max_bytes === wanted.max_bytes &&
    current.duplicate_window === wanted.duplicate_window &&
    current.num_replicas === wanted.num_replicas;
  if (same) return "unchanged";
  await jsm.streams.update(streamName, wanted);
  return "updated";
}
