import type { Taint, Toleration } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";

/** The taint kube-controller-manager puts on a cordoned node; tolerating it also tolerates spec.unschedulable. */
export const UNSCHEDULABLE_TAINT: Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** Whether one toleration tolerates one taint, with Kubernetes' rules (empty key + Exists tolerates everything). */
export function toleratesTaint(toleration: ReadOnly<Toleration>, taint: ReadOnly<Taint>): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator ?? "Equal";
  if (operator === "Exists") return true;
  if (operator === "Equal") return (toleration.value ?? "") === (taint.value ?? "");
  return false;
}

/**
 * The first NoSchedule or NoExecute taint none of the tolerations tolerates, or undefined. PreferNoSchedule taints
 * never block placement, as in kube-scheduler's TaintToleration filter.
 */
export function firstUntoleratedTaint(
  taints: readonly ReadOnly<Taint>[] | undefined,
  tolerations: readonly ReadOnly<Toleration>[] | undefined,
): ReadOnly<Taint> | undefined {
  for (const taint of taints ?? []) {
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!(tolerations ?? []).some((t) => toleratesTaint(t, taint))) return taint;
  }
  return undefined;
}
