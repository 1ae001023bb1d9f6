import type { Pod } from "kubernetes-types/core/v1.js";

/** OpenKruise's LifecycleHook: a pod is held while it carries any listed label value or finalizer. */
export interface LifecycleHook {
  labelsHandler?: Record<string, string>;
  finalizersHandler?: string[];
  /** Also mark the pod NotReady (KruisePodReady=False) while it waits; honoured for preDelete and inPlaceUpdate. */
  markPodNotReady?: boolean;
}

export interface Lifecycle {
  preDelete?: LifecycleHook;
  inPlaceUpdate?: LifecycleHook;
  preNormal?: LifecycleHook;
}

/** Hooked: at least one handler label (with its value) or finalizer is on the pod. */
export function isPodHooked(hook: LifecycleHook | undefined, pod: Pod): boolean {
  if (hook === undefined) return false;
  const finalizers = pod.metadata?.finalizers ?? [];
  if ((hook.finalizersHandler ?? []).some((f) => finalizers.includes(f))) return true;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(hook.labelsHandler ?? {}).some(([k, v]) => labels[k] === v);
}

/** All hooked: every handler label and finalizer is present. An undefined hook is never all-hooked. */
export function isPodAllHooked(hook: LifecycleHook | undefined, pod: Pod): boolean {
  if (hook === undefined) return false;
  const finalizers = pod.metadata?.finalizers ?? [];
  if (!(hook.finalizersHandler ?? []).every((f) => finalizers.includes(f))) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(hook.labelsHandler ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether any hook asks to mark pods NotReady; then a PreparingDelete pod is never brought back. */
export function isLifecycleMarkPodNotReady(lifecycle: Lifecycle | undefined): boolean {
  return lifecycle?.preDelete?.markPodNotReady === true || lifecycle?.inPlaceUpdate?.markPodNotReady === true;
}
