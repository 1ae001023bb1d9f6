import type { CrdSource } from "../crd.ts";

/** The scale subresource of the kinds that count replicas in `.spec.replicas`, for `kubectl scale` and the HPA. */
export const REPLICAS_SCALE: NonNullable<CrdSource["scale"]> = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath: ".status.labelSelector",
};
