import { int32, type IntegerNode } from "../builder.ts";
import type { CrdSource } from "../crd.ts";

/** The scale subresource of the kinds that count replicas in `.spec.replicas`, for `kubectl scale` and the HPA. */
export const REPLICAS_SCALE: NonNullable<CrdSource["scale"]> = {
  specReplicasPath: ".spec.replicas",
  statusReplicasPath: ".status.replicas",
  labelSelectorPath: ".status.labelSelector",
};

/**
 * `.spec.replicas` of a kind with REPLICAS_SCALE. No schema `minimum`: the apiserver already checks the scale
 * subresource's replicas path is a non-negative integer, and a minimum would report `replicas: -1` twice.
 */
export function desiredReplicas(description: string): IntegerNode {
  return int32(`${description} Must be 0 or more. Defaults to 1.`, { default: 1 });
}
