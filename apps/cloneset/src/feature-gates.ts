// Feature gates this controller understands, with OpenKruise's names and defaults.
export const KNOWN_FEATURE_GATES = {
  /** Pods carry the short revision hash in controller-revision-hash instead of the full revision name. */
  CloneSetShortHash: false,
  /** Raising the partition moves updated pods back to the current revision. */
  CloneSetPartitionRollback: false,
  /** Publish image-predownload-requested when an in-place revision starts behind a partition (alpha, off). */
  PreDownloadImageForInPlaceUpdate: false,
  /** Pods in PreparingUpdate count as updated when scaling. */
  PreparingUpdateAsUpdate: false,
} as const;

export type FeatureGateName = keyof typeof KNOWN_FEATURE_GATES;
export type FeatureGates = Readonly<Record<FeatureGateName, boolean>>;

/** Parses `A=true,B=false`. Unknown gates are an error naming the known ones, so a typo is not silently ignored. */
export function parseFeatureGates(value: string | undefined): FeatureGates {
  const gates: Record<FeatureGateName, boolean> = { ...KNOWN_FEATURE_GATES };
  if (value === undefined || value.trim() === "") return gates;
  for (const part of value.split(",")) {
    const [rawName, rawValue] = part.split("=");
    const name = (rawName ?? "").trim();
    const v = (rawValue ?? "").trim().toLowerCase();
    if (name === "") continue;
    if (!Object.hasOwn(KNOWN_FEATURE_GATES, name)) {
      throw new Error(
        `--feature-gates: unknown gate "${name}"; known gates: ${Object.keys(KNOWN_FEATURE_GATES).join(", ")}`,
      );
    }
    if (v !== "true" && v !== "false")
      throw new Error(`--feature-gates: ${name}=${rawValue ?? ""}: the value must be true or false`);
    gates[name as FeatureGateName] = v === "true";
  }
  return gates;
}
