// The status a UnitedDeployment reports (OpenKruise's calculateStatus), in both the v1alpha1 shape
// (subsetReplicas, updateStatus) and the v1beta1 one (updatedRevision, subsetStatuses): the served versions
// share one schema, so the controller writes both.
import type { UnitedDeploymentStatus } from "@kruise/api";
import type { SubsetView } from "./subset-view.ts";

export type UnitedDeploymentCondition = NonNullable<UnitedDeploymentStatus["conditions"]>[number];
export type SubsetStatus = NonNullable<UnitedDeploymentStatus["subsetStatuses"]>[number];

export interface UnitedStatusInput {
  readonly previous: UnitedDeploymentStatus | undefined;
  readonly generation: number;
  /** Subset names in declaration order. */
  readonly subsetNames: readonly string[];
  readonly subsets: ReadonlyMap<string, SubsetView>;
  readonly nextReplicas: Readonly<Record<string, number>>;
  readonly nextPartitions: Readonly<Record<string, number>>;
  readonly currentRevision: string;
  readonly updatedRevision: string;
  readonly collisionCount: number;
  readonly labelSelector: string;
  readonly conditions: UnitedDeploymentCondition[] | undefined;
  /** Per subset, its Schedulable condition (Adaptive only). */
  readonly subsetConditions?: ReadonlyMap<string, SubsetStatus["conditions"]>;
  /**
   * Reserve mode (`reserveUnschedulablePods`): per subset, its reserved pods. They are left out of `replicas` and
   * reported in `reservedPods`, in total and per subset.
   */
  readonly reservedPods?: ReadonlyMap<string, number>;
}

/**
 * Sums of the subsets' counts; `currentRevision` starts as the current revision and becomes the updated one once
 * `updatedReadyReplicas >= replicas`.
 */
export function calculateUnitedStatus(input: UnitedStatusInput): UnitedDeploymentStatus {
  let replicas = 0;
  let ready = 0;
  let updated = 0;
  let updatedReady = 0;
  let reservedTotal = 0;
  for (const [name, view] of input.subsets) {
    const reserved = input.reservedPods?.get(name) ?? 0;
    reservedTotal += reserved;
    replicas += view.statusReplicas - reserved;
    ready += view.statusReadyReplicas;
    updated += view.updatedReplicas;
    updatedReady += view.updatedReadyReplicas;
  }
  let currentRevision = input.previous?.currentRevision ?? "";
  if (currentRevision === "") currentRevision = input.currentRevision;
  if (input.updatedRevision !== currentRevision && updatedReady >= replicas)
    currentRevision = input.updatedRevision;
  const subsetStatuses: SubsetStatus[] = input.subsetNames.map((name) => {
    const conditions = input.subsetConditions?.get(name);
    return {
      name,
      replicas: input.nextReplicas[name] ?? 0,
      readyReplicas: input.subsets.get(name)?.statusReadyReplicas ?? 0,
      partition: input.nextPartitions[name] ?? 0,
      ...(input.reservedPods !== undefined ? { reservedPods: input.reservedPods.get(name) ?? 0 } : {}),
      ...(conditions !== undefined && conditions.length > 0 ? { conditions } : {}),
    };
  });
  const status: UnitedDeploymentStatus = {
    observedGeneration: input.generation,
    replicas,
    readyReplicas: ready,
    updatedReplicas: updated,
    updatedReadyReplicas: updatedReady,
    collisionCount: input.collisionCount,
    currentRevision,
    updatedRevision: input.updatedRevision,
    subsetReplicas: { ...input.nextReplicas },
    subsetStatuses,
    updateStatus: { updatedRevision: input.updatedRevision, currentPartitions: { ...input.nextPartitions } },
    labelSelector: input.labelSelector,
  };
  if (input.reservedPods !== undefined) status.reservedPods = reservedTotal;
  else if (input.previous?.reservedPods !== undefined) status.reservedPods = input.previous.reservedPods;
  if (input.conditions !== undefined && input.conditions.length > 0) status.conditions = input.conditions;
  return status;
}
