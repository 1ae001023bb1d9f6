import { formatKubeTime } from "@kruise/sdk";

/** The fields every workload condition shares (CloneSet's, StatefulSet's, DaemonSet's … all fit). */
export interface WorkloadCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
}

/**
 * Sets (or replaces) a condition by type. An unchanged condition (same status, reason and message) is kept as it is,
 * so a converged workload writes nothing; a changed one keeps lastTransitionTime while the status stays the same.
 */
export function setCondition<C extends WorkloadCondition>(
  conditions: readonly C[] | undefined,
  next: C,
): C[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const existing = i >= 0 ? list[i] : undefined;
  if (
    existing !== undefined &&
    existing.status === next.status &&
    existing.reason === next.reason &&
    existing.message === next.message
  )
    return list;
  const merged: C = {
    ...next,
    ...(existing !== undefined && existing.status === next.status && existing.lastTransitionTime !== undefined
      ? { lastTransitionTime: existing.lastTransitionTime }
      : {}),
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

/** The conditions without `type` (a copy; undefined stays undefined). */
export function removeCondition<C extends WorkloadCondition>(
  conditions: readonly C[] | undefined,
  type: string,
): C[] | undefined {
  if (conditions === undefined) return undefined;
  const list = conditions.filter((c) => c.type !== type);
  return list.length === conditions.length ? [...conditions] : list;
}

/** A True condition carrying an error message (FailedScale, FailedUpdate …), stamped now. */
export function failureCondition(type: string, message: string, now: number): WorkloadCondition {
  const at = formatKubeTime(now);
  return { type, status: "True", message, lastTransitionTime: at, lastUpdateTime: at };
}
