import { parseFeatureGates as parseDeclaredGates, type FeatureGate } from "@kruise/sdk";

// Feature gates this controller understands, with OpenKruise's names and defaults (declared to the SDK's flags).
export const CLONESET_FEATURE_GATES = {
  CloneSetShortHash: {
    default: false,
    description:
      "Pods carry the short revision hash in controller-revision-hash instead of the full revision name.",
  },
  CloneSetPartitionRollback: {
    default: false,
    description: "Raising the partition moves updated pods back to the current revision.",
  },
  PreDownloadImageForInPlaceUpdate: {
    default: false,
    description:
      "Publish image-predownload-requested when an in-place revision starts behind a partition (alpha).",
  },
  InPlaceWorkloadVerticalScaling: {
    default: false,
    description:
      "A template change of only container cpu/memory requests or limits resizes the pods in place (pods/resize) instead of recreating them (alpha).",
  },
  InPlaceUpdateEnvFromMetadata: {
    default: true,
    description:
      "A template change of a label or annotation that a container's env takes its value from (fieldRef metadata.labels['k'] or metadata.annotations['k']) patches the pods' metadata and restarts those containers in place through kruise-daemon (beta).",
  },
  PreparingUpdateAsUpdate: {
    default: false,
    description: "Pods in PreparingUpdate count as updated when scaling.",
  },
  RecreatePodWhenChangeVCTInCloneSetGate: {
    default: false,
    description:
      "An update whose revision records other volumeClaimTemplates recreates the pods (and so their PVCs) instead of updating them in place (alpha).",
  },
} as const satisfies Record<string, FeatureGate>;

export type FeatureGateName = keyof typeof CLONESET_FEATURE_GATES;
export type FeatureGates = Readonly<Record<FeatureGateName, boolean>>;

/** Every gate at its default. */
export const KNOWN_FEATURE_GATES: FeatureGates = parseDeclaredGates("", CLONESET_FEATURE_GATES);

/** Parses `A=true,B=false`. Unknown gates are an error naming the known ones, so a typo is not silently ignored. */
export function parseFeatureGates(value: string | undefined): FeatureGates {
  return parseDeclaredGates(value ?? "", CLONESET_FEATURE_GATES);
}
