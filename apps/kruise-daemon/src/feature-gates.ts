import type { FeatureGate } from "@kruise/sdk";

// Feature gates kruise-daemon understands, with OpenKruise's names and defaults (declared to the SDK's flags).
export const DAEMON_FEATURE_GATES = {
  InPlaceUpdateEnvFromMetadata: {
    default: true,
    description:
      "Report the hash of each container's env from pod labels/annotations and restart a container whose values an in-place update changed (beta).",
  },
} as const satisfies Record<string, FeatureGate>;
