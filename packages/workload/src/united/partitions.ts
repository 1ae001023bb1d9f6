import type { UnitedDeployment } from "@kruise/api";

/**
 * Each subset's next partition: `updateStrategy.manualUpdate.partitions[subset]` (0 when absent), capped at the
 * subset's next replicas, as OpenKruise's calcNextPartitions.
 */
export function nextSubsetPartitions(
  ud: UnitedDeployment,
  nextReplicas: Readonly<Record<string, number>>,
): Record<string, number> {
  const strategy = ud.spec?.updateStrategy;
  const manual = (strategy?.type ?? "Manual") === "Manual" ? strategy?.manualUpdate?.partitions : undefined;
  const out: Record<string, number> = {};
  for (const subset of ud.spec?.topology?.subsets ?? []) {
    let partition = manual?.[subset.name] ?? 0;
    const replicas = nextReplicas[subset.name];
    if (replicas !== undefined && partition > replicas) partition = replicas;
    out[subset.name] = partition;
  }
  return out;
}
