import { cloudEventTypeFor } from "./subject.ts";

/** A CloudEvents 1.0 envelope in JSON form, with the object's identity as extension attributes. */
export interface CloudEvent<T = unknown> {
  specversion: "1.0";
  /** busMessageId: the publisher's step key plus a digest of the data, so retries are deduplicated. */
  id: string;
  /** The controller that published it. */
  source: string;
  /** `io.kruise.<kind lower>.<event>` */
  type: string;
  /** `<namespace>/<name>`, or `<name>` for a cluster-scoped object: the key a subscriber enqueues. */
  subject: string;
  /** RFC 3339 time of publishing. */
  time: string;
  datacontenttype: "application/json";
  data?: T;
  /** Extension attributes: the object the event is about. */
  kind: string;
  namespace: string;
  name: string;
}

/** What a controller publishes. */
export interface BusEvent {
  /** The object's kind, e.g. "CloneSet". */
  kind: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** What happened, e.g. "scaled", "rollout-finished". */
  event: string;
  data?: unknown;
  /**
   * The step key: deterministic, built from the object's UID and what makes the step unique (a revision, a pod, a
   * run time) plus the event. The bus publishes it with a digest of `data` appended (busMessageId), so one step
   * observed twice is deduplicated and a changed state under the same key is not.
   */
  id: string;
}

export function toCloudEvent(e: BusEvent, source: string, nowMs: number): CloudEvent {
  const envelope: CloudEvent = {
    specversion: "1.0",
    id: e.id,
    source,
    type: cloudEventTypeFor(e.kind, e.event),
    subject: e.namespace ? `${e.namespace}/${e.name}` : e.name,
    time: new Date(nowMs).toISOString(),
    datacontenttype: "application/json",
    kind: e.kind,
    namespace: e.namespace,
    name: e.name,
  };
  if (e.data !== undefined) envelope.data = e.data;
  return envelope;
}

/** Parses a received envelope; undefined for anything that is not one (it is then acked and ignored). */
export function parseCloudEvent(payload: Uint8Array): CloudEvent | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as Partial<CloudEvent> | null;
    if (
      !parsed ||
      parsed.specversion !== "1.0" ||
      typeof parsed.id !== "string" ||
      typeof parsed.type !== "string"
    )
      return undefined;
    return parsed as CloudEvent;
  } catch {
    return undefined;
  }
}
