import type { Pod, PodCondition, PodReadinessGate } from "kubernetes-types/core/v1.js";
import { getPodCondition } from "../availability/pod-conditions.ts";
import { INPLACE_UPDATE_READY_CONDITION } from "../keys.ts";
import { formatKubeTime } from "@kruise/sdk";

/** The pod's readiness gates with InPlaceUpdateReady added once (CloneSet adds it to every pod it creates). */
export function withInPlaceReadinessGate(gates: readonly PodReadinessGate[] | undefined): PodReadinessGate[] {
  const current = [...(gates ?? [])];
  if (!current.some((g) => g.conditionType === INPLACE_UPDATE_READY_CONDITION))
    current.push({ conditionType: INPLACE_UPDATE_READY_CONDITION });
  return current;
}

export function hasInPlaceReadinessGate(pod: Pod): boolean {
  return (pod.spec?.readinessGates ?? []).some((g) => g.conditionType === INPLACE_UPDATE_READY_CONDITION);
}

/**
 * The pod's conditions with InPlaceUpdateReady set to `status`; undefined when it already has that status.
 * Setting False also turns Ready False at once, computed as kubelet would (ContainersReady and every
 * readiness gate True), so that endpoints drop the pod in the same write rather than after kubelet's next sync.
 */
export function conditionsWithInPlaceReady(
  pod: Pod,
  status: "True" | "False",
  now: number,
): PodCondition[] | undefined {
  const existing = getPodCondition(pod, INPLACE_UPDATE_READY_CONDITION);
  if (existing?.status === status) return undefined;
  const condition: PodCondition = {
    type: INPLACE_UPDATE_READY_CONDITION,
    status,
    lastTransitionTime: formatKubeTime(now),
    ...(status === "False" ? { reason: "StartInPlaceUpdate" } : {}),
  };
  let conditions = [
    ...(pod.status?.conditions ?? []).filter((c) => c.type !== INPLACE_UPDATE_READY_CONDITION),
    condition,
  ];
  // Only False is pushed into Ready; kubelet raises Ready again itself once every gate passes.
  if (status === "False") conditions = withKubeletReady(pod, conditions, now);
  return conditions;
}

function withKubeletReady(pod: Pod, conditions: PodCondition[], now: number): PodCondition[] {
  const byType = new Map(conditions.map((c) => [c.type, c]));
  const containersReady = byType.get("ContainersReady")?.status === "True";
  const failedGates = (pod.spec?.readinessGates ?? [])
    .map((g) => g.conditionType)
    .filter((t) => byType.get(t)?.status !== "True");
  const ready = containersReady && failedGates.length === 0;
  const previous = byType.get("Ready");
  const status = ready ? "True" : "False";
  if (previous?.status === status) return conditions;
  const readyCondition: PodCondition = {
    type: "Ready",
    status,
    lastTransitionTime: formatKubeTime(now),
    ...(ready
      ? {}
      : containersReady
        ? {
            reason: "ReadinessGatesNotReady",
            message: `the status of pod readiness gate "${failedGates.join(", ")}" is not "True"`,
          }
        : { reason: "ContainersNotReady" }),
  };
  return [...conditions.filter((c) => c.type !== "Ready"), readyCondition];
}
