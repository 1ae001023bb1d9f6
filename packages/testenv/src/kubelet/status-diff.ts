import type { PodCondition, PodStatus } from "kubernetes-types/core/v1.js";

/**
 * True when `observed` already shows everything in `desired`. Fields the server adds (defaults,
 * volumeMounts, allocatedResources...) do not count; conditions are matched by type, exactly.
 */
export function statusUpToDate(desired: PodStatus, observed: PodStatus | undefined): boolean {
  if (observed === undefined) return false;
  for (const [key, value] of Object.entries(desired)) {
    if (key === "conditions") continue;
    if (!covers((observed as Record<string, unknown>)[key], value)) return false;
  }
  return (desired.conditions ?? []).every((wanted) => {
    const seen = observed.conditions?.find((c) => c.type === wanted.type);
    return seen !== undefined && sameCondition(seen, wanted);
  });
}

function sameCondition(a: PodCondition, b: PodCondition): boolean {
  return (
    a.status === b.status &&
    (a.reason ?? "") === (b.reason ?? "") &&
    (a.message ?? "") === (b.message ?? "") &&
    a.lastTransitionTime === b.lastTransitionTime
  );
}

function covers(observed: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(observed) &&
      observed.length === desired.length &&
      desired.every((item, i) => covers(observed[i], item))
    );
  }
  if (desired !== null && typeof desired === "object") {
    if (observed === null || typeof observed !== "object") return false;
    return Object.entries(desired).every(([key, value]) =>
      covers((observed as Record<string, unknown>)[key], value),
    );
  }
  return observed === desired;
}

/**
 * A strategic-merge patch body for pods/status. Conditions merge by type, so conditions other writers
 * own survive; reason and message are nulled explicitly when absent, or a stale one would linger.
 * containerStatuses is an atomic list and is replaced whole.
 */
export function statusPatch(desired: PodStatus): { status: Record<string, unknown> } {
  const conditions = (desired.conditions ?? []).map((c) => ({ reason: null, message: null, ...c }));
  return { status: { ...desired, conditions } };
}
