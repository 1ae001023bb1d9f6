import type { UnitedDeployment } from "@kruise/api";
import { cloneJson } from "../util/json.ts";
import { subsetWorkloadType, SUBSET_TEMPLATE_FIELDS } from "./subset-workload.ts";

/**
 * What a UnitedDeployment revision records: its whole `spec.template` as a strategic-merge "replace" patch of the
 * UnitedDeployment (`{"spec":{"template":{...,"$patch":"replace"}}}`), as OpenKruise's getUnitedDeploymentPatch.
 */
export function unitedDeploymentRevisionData(ud: UnitedDeployment): {
  spec: { template: Record<string, unknown> };
} {
  const template = cloneJson((ud.spec?.template ?? {}) as Record<string, unknown>);
  return { spec: { template: { ...template, $patch: "replace" } } };
}

/**
 * Labels a UnitedDeployment revision carries: the subset template's labels for the StatefulSet, Advanced
 * StatefulSet and Deployment templates; none for CloneSet (OpenKruise's newRevision leaves them out there).
 */
export function unitedDeploymentRevisionLabels(ud: UnitedDeployment): Record<string, string> {
  const type = subsetWorkloadType(ud);
  if (type === undefined || type === "CloneSet") return {};
  return { ...(ud.spec?.template?.[SUBSET_TEMPLATE_FIELDS[type]]?.metadata?.labels ?? {}) };
}
