import type { Container, Pod, PodSpec } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../scheduling/quantity.ts";
import { canonicalQuantity } from "../template/quantity.ts";
import { jsonEqual } from "../util/json.ts";
import { hasInPlaceReadinessGate } from "./readiness-gate.ts";
import type { CompletionCheck } from "./completion.ts";
import type { InPlaceUpdateSpec } from "./update-spec.ts";

// In-place vertical scaling (OpenKruise's InPlaceWorkloadVerticalScaling gate, on Kubernetes' in-place pod resize):
// which resource changes can be made in place, what the pod's QoS class is, when the kubelet has applied a resize,
// and whether a resize must take the pod out of its Service.

/** New requests/limits of one container: only the keys that change (OpenKruise's `containerResources` entry). */
export interface ContainerResourceChange {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** The resources the kubelet can resize in place (NativeVerticalUpdate's allowed keys). */
export const RESIZABLE_RESOURCES: ReadonlySet<string> = new Set(["cpu", "memory"]);

export type ResourceDiff =
  | { readonly ok: true; readonly change: ContainerResourceChange | undefined }
  | { readonly ok: false; readonly reason: string };

const sameQuantity = (a: string | number, b: string | number): boolean =>
  String(canonicalQuantity(a)) === String(canonicalQuantity(b));

/**
 * The in-place change between two containers' `resources`, as OpenKruise accepts it: only values of cpu or memory
 * that both sides set may differ. A value added or removed, another resource changed, or any other field of
 * `resources` (claims) changed needs the pod recreated; the reason says which.
 */
export function diffContainerResources(
  name: string,
  before: Container["resources"],
  after: Container["resources"],
): ResourceDiff {
  const { requests: oldRequests, limits: oldLimits, ...oldRest } = before ?? {};
  const { requests: newRequests, limits: newLimits, ...newRest } = after ?? {};
  if (!jsonEqual(oldRest, newRest))
    return { ok: false, reason: `container ${name} changed resources other than requests and limits` };
  const change: ContainerResourceChange = {};
  for (const [field, a, b] of [
    ["requests", oldRequests, newRequests],
    ["limits", oldLimits, newLimits],
  ] as const) {
    const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
    for (const key of [...keys].sort()) {
      const oldValue = a?.[key];
      const newValue = b?.[key];
      if (oldValue === undefined || newValue === undefined) {
        if (oldValue === newValue) continue;
        return {
          ok: false,
          reason: `container ${name} resources.${field}.${key} was ${oldValue === undefined ? "added" : "removed"}`,
        };
      }
      if (sameQuantity(oldValue, newValue)) continue;
      if (!RESIZABLE_RESOURCES.has(key))
        return {
          ok: false,
          reason: `container ${name} resources.${field}.${key} changed: only cpu and memory can be resized in place`,
        };
      (change[field] ??= {})[key] = String(canonicalQuantity(newValue));
    }
  }
  return { ok: true, change: Object.keys(change).length > 0 ? change : undefined };
}

export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

/**
 * The pod's QoS class as Kubernetes computes it (GetPodQOS) from cpu and memory of every container and init
 * container, a missing request counting as its limit (the API server's defaulting). A resize may not change it.
 */
export function podQosClass(spec: PodSpec | undefined): QosClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    const limitsFound = new Set<string>();
    for (const key of RESIZABLE_RESOURCES) {
      const limit = parseQuantity(c.resources?.limits?.[key]);
      const request = parseQuantity(c.resources?.requests?.[key]) ?? limit;
      if (request !== undefined && request > 0) requests.set(key, (requests.get(key) ?? 0) + request);
      if (limit !== undefined && limit > 0) {
        limits.set(key, (limits.get(key) ?? 0) + limit);
        limitsFound.add(key);
      }
    }
    if (limitsFound.size < RESIZABLE_RESOURCES.size) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return "BestEffort";
  if (guaranteed) {
    for (const [key, request] of requests) {
      const limit = limits.get(key);
      if (limit === undefined || Math.abs(limit - request) > 1e-9 * Math.max(limit, request))
        guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? "Guaranteed" : "Burstable";
}

/** The container's resources with `change` merged in (a copy). */
export function withResourceChange(
  resources: Container["resources"],
  change: ContainerResourceChange,
): NonNullable<Container["resources"]> {
  const next = structuredClone(resources ?? {});
  if (change.requests !== undefined) next.requests = { ...(next.requests ?? {}), ...change.requests };
  if (change.limits !== undefined) next.limits = { ...(next.limits ?? {}), ...change.limits };
  return next;
}

/**
 * Whether the kubelet has applied every container's resources: status.resources shows each request and limit of
 * the spec (as quantities). A container without a status, or a status without resources, is not done yet
 * (NativeVerticalUpdate.IsUpdateCompleted).
 */
export function checkResourcesUpdated(pod: Pod): CompletionCheck {
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  for (const c of pod.spec?.containers ?? []) {
    const status = statuses.get(c.name);
    if (status === undefined) return { completed: false, reason: `no status yet for container ${c.name}` };
    const actual = status.resources;
    for (const field of ["requests", "limits"] as const) {
      for (const [key, value] of Object.entries(c.resources?.[field] ?? {})) {
        const reported = actual?.[field]?.[key];
        if (reported === undefined || !sameQuantity(value, reported))
          return { completed: false, reason: `container ${c.name} resources not changed` };
      }
    }
  }
  return { completed: true };
}

/**
 * Whether starting this in-place update turns the pod's InPlaceUpdateReady False (OpenKruise's
 * defaultCheckPodNeedsBeUnready): always with the readiness gate, except for a resources-only update that restarts
 * no container — one where no changed cpu or memory has `resizePolicy: RestartContainer` — which keeps serving.
 */
export function inPlaceUpdateNeedsUnready(pod: Pod, spec: InPlaceUpdateSpec): boolean {
  if (!hasInPlaceReadinessGate(pod)) return false;
  const resources = spec.containerResources ?? {};
  // An env-from-metadata restart also makes an update more than vertical (OpenKruise's VerticalUpdateOnly).
  const verticalOnly =
    Object.keys(resources).length > 0 &&
    Object.keys(spec.containerImages).length === 0 &&
    spec.updateEnvFromMetadata !== true;
  if (!verticalOnly) return true;
  return (pod.spec?.containers ?? []).some((c) => {
    const change = resources[c.name];
    if (change === undefined) return false;
    const changed = new Set([...Object.keys(change.requests ?? {}), ...Object.keys(change.limits ?? {})]);
    return (c.resizePolicy ?? []).some(
      (p) => p.restartPolicy === "RestartContainer" && changed.has(p.resourceName),
    );
  });
}

/**
 * The strategic-merge patch for the pods/resize subresource that takes `before`'s container resources to
 * `after`'s: each container whose requests or limits differ, with its new requests and limits; undefined when none
 * differ. (Container resources of a running pod change only through that subresource.)
 */
export function resizePatch(
  before: Pod,
  after: Pod,
): { spec: { containers: Array<{ name: string; resources: Container["resources"] }> } } | undefined {
  const old = new Map((before.spec?.containers ?? []).map((c) => [c.name, c]));
  const containers: Array<{ name: string; resources: Container["resources"] }> = [];
  for (const c of after.spec?.containers ?? []) {
    const resources = c.resources ?? {};
    const previous = old.get(c.name)?.resources ?? {};
    if (
      jsonEqual(previous.requests ?? {}, resources.requests ?? {}) &&
      jsonEqual(previous.limits ?? {}, resources.limits ?? {})
    )
      continue;
    containers.push({
      name: c.name,
      resources: {
        ...(resources.requests !== undefined ? { requests: resources.requests } : {}),
        ...(resources.limits !== undefined ? { limits: resources.limits } : {}),
      },
    });
  }
  return containers.length > 0 ? { spec: { containers } } : undefined;
}
