import type { Pod, PodCondition } from "kubernetes-types/core/v1.js";
import { KRUISE_POD_READY_CONDITION } from "../keys.ts";
import { formatKubeTime } from "@kruise/sdk";

/**
 * KruisePodReady is shared by several Kruise writers: its message is a JSON list of `{userAgent, key}`
 * entries, and the condition is False while any entry remains. Lifecycle hooks with markPodNotReady add
 * an entry while the pod prepares for deletion or update, which takes it out of Service endpoints.
 */
export interface NotReadyEntry {
  readonly userAgent: string;
  readonly key: string;
}

// The user agent OpenKruise's lifecycle code records, kept so that pods moved between implementations release cleanly.
export const LIFECYCLE_NOT_READY_USER_AGENT = "ContainerRecreateRequest";
export const PREPARING_DELETE_NOT_READY_KEY = "preparingDelete";
export const PREPARING_UPDATE_NOT_READY_KEY = "preparingUpdate";

export function hasReadinessGate(pod: Pod, conditionType: string): boolean {
  return (pod.spec?.readinessGates ?? []).some((g) => g.conditionType === conditionType);
}

function parseEntries(condition: PodCondition | undefined): NotReadyEntry[] {
  if (condition?.message === undefined || condition.message === "") return [];
  try {
    const parsed: unknown = JSON.parse(condition.message);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (e): e is NotReadyEntry =>
        typeof e === "object" &&
        e !== null &&
        typeof (e as NotReadyEntry).key === "string" &&
        typeof (e as NotReadyEntry).userAgent === "string",
    );
  } catch {
    // A message some other writer left unparsable: start over rather than fail the reconcile.
    return [];
  }
}

/**
 * The pod's conditions with `entry` added to (or removed from) KruisePodReady; undefined when nothing
 * changes or the pod has no KruisePodReady readiness gate (then the condition would have no effect).
 */
export function conditionsWithNotReadyEntry(
  pod: Pod,
  entry: NotReadyEntry,
  add: boolean,
  now: number,
): PodCondition[] | undefined {
  if (!hasReadinessGate(pod, KRUISE_POD_READY_CONDITION)) return undefined;
  const conditions = pod.status?.conditions ?? [];
  const existing = conditions.find((c) => c.type === KRUISE_POD_READY_CONDITION);
  const entries = parseEntries(existing);
  const has = entries.some((e) => e.key === entry.key && e.userAgent === entry.userAgent);
  if (has === add && existing !== undefined) return undefined;
  const next = add
    ? has
      ? entries
      : [...entries, entry]
    : entries.filter((e) => !(e.key === entry.key && e.userAgent === entry.userAgent));
  const status = next.length > 0 ? "False" : "True";
  const condition: PodCondition = {
    type: KRUISE_POD_READY_CONDITION,
    status,
    lastTransitionTime:
      existing?.status === status && existing.lastTransitionTime !== undefined
        ? existing.lastTransitionTime
        : formatKubeTime(now),
    ...(next.length > 0 ? { message: JSON.stringify(next) } : {}),
  };
  return [...conditions.filter((c) => c.type !== KRUISE_POD_READY_CONDITION), condition];
}
