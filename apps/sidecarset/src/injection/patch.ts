// The JSON Patch an admission response carries: one `add` per top-level field the injection changed (an `add` on an
// existing member replaces it), so the patch is small and independent of array positions.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { JsonPatchOperation, ReadOnly } from "@kruise/sdk";
import { jsonEqual } from "@kruise/workload";

const SPEC_FIELDS = ["initContainers", "containers", "volumes", "imagePullSecrets"] as const;

export function injectionPatch(before: ReadOnly<Pod>, after: Pod): JsonPatchOperation[] {
  const ops: JsonPatchOperation[] = [];
  if (!jsonEqual(before.metadata?.annotations, after.metadata?.annotations))
    ops.push({ op: "add", path: "/metadata/annotations", value: after.metadata?.annotations ?? {} });
  for (const f of SPEC_FIELDS) {
    const a = before.spec?.[f];
    const b = after.spec?.[f];
    if (b !== undefined && !jsonEqual(a, b)) ops.push({ op: "add", path: `/spec/${f}`, value: b });
  }
  return ops;
}
