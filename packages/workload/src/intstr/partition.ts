import { parseIntOrString, scaleIntOrString, type IntOrString } from "./int-or-string.ts";

/**
 * How many pods `partition` keeps on the current (old) revision, as OpenKruise computes it:
 * - a percentage rounds up, so any non-zero percentage keeps at least one old pod;
 * - but a percentage below "100%" with more than one replica always lets at least one pod update
 *   (`"99%"` of 4 is 3, not 4);
 * - the result is clamped to [0, replicas].
 */
export function partitionReplicas(
  partition: IntOrString | undefined,
  replicas: number,
  field = "partition",
): number {
  if (partition === undefined) return 0;
  let value = scaleIntOrString(partition, replicas, true, field);
  const parsed = parseIntOrString(partition, field);
  if (replicas > 1 && value === replicas && parsed.kind === "percent" && parsed.value !== 100) {
    value = replicas - 1;
  }
  return Math.max(Math.min(value, replicas), 0);
}
