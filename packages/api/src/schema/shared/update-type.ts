import { enumOf, type StringNode } from "../builder.ts";

/**
 * How a pod moves to a new revision: recreated, or updated in place when it can (or must) be. CloneSet calls
 * it updateStrategy.type, Advanced StatefulSet rollingUpdate.podUpdatePolicy; each describes it for its kind.
 */
export const POD_UPDATE_TYPES = ["ReCreate", "InPlaceIfPossible", "InPlaceOnly"] as const;

/** updateStrategy.type of the kinds that, like their built-in namesakes, roll out automatically or on delete. */
export function rollingUpdateOrOnDelete(): StringNode {
  return enumOf(
    "RollingUpdate (default) updates pods automatically; OnDelete only when a pod is deleted.",
    ["RollingUpdate", "OnDelete"],
    { default: "RollingUpdate" },
  );
}
