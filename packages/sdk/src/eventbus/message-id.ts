import { createHash } from "node:crypto";
import { canonicalJson } from "../meta/json.ts";
import type { BusEvent } from "./cloud-event.ts";

/**
 * The id an event is published with (`Nats-Msg-Id` and the CloudEvents `id`): the publisher's step key (`e.id`, e.g.
 * `<uid>.<revision>.rollout-complete`) plus a digest of the data.
 *
 * Guarantees: the same event observed twice (a retried reconcile, a restart) has the same id, so JetStream's
 * duplicate window drops the second; different data under the same step key (rollout-complete for 3 replicas,
 * then for 5) gets a different id, so the second state is never dropped as a duplicate. Key order in the data does
 * not matter (canonical JSON).
 * Caveats: data must not carry values that change between two observations of one step (a publish time, a
 * random id), or a retry is no longer deduplicated.
 */
export function busMessageId(e: Pick<BusEvent, "id" | "data">): string {
  const digest = createHash("sha256")
    .update(canonicalJson(e.data ?? null))
    .digest("hex")
    .slice(0, 12);
  return `${e.id}.${digest}`;
}
