import type { SubsetTemplate, UnitedDeployment } from "@kruise/api";
import { defaultPodTemplate, defaultVolumeClaimTemplate } from "../template/pod-template-defaults.ts";
import { typedSubsetTemplate } from "../template/typed-encoding.ts";
import { cloneJson } from "../util/json.ts";
import { subsetWorkloadType, SUBSET_TEMPLATE_FIELDS } from "./subset-workload.ts";

/** What a UnitedDeployment revision records: its whole subset template, as a patch that replaces it. */
export interface UnitedDeploymentRevisionData {
  spec: { template: SubsetTemplate & { $patch: "replace" } };
}

/**
 * The subset template as OpenKruise's mutating webhook stores a new or changed one: only a
 * `statefulSetTemplate`'s pod template and volume claim templates are defaulted (CloneSet, Advanced StatefulSet and
 * Deployment templates are left as written; their own kinds' webhooks default the subset workloads).
 */
function webhookDefaulted(template: SubsetTemplate): SubsetTemplate {
  const copy = cloneJson(template);
  const sts = copy.statefulSetTemplate?.spec;
  if (sts !== undefined) {
    sts.template = defaultPodTemplate(sts.template ?? {});
    if (sts.volumeClaimTemplates !== undefined)
      sts.volumeClaimTemplates = sts.volumeClaimTemplates.map(defaultVolumeClaimTemplate);
  }
  return copy;
}

/**
 * The data of a UnitedDeployment revision, exactly as OpenKruise records it (getUnitedDeploymentPatch): the
 * whole `spec.template`, defaulted as its webhook defaults it and in Go's typed encoding of the v1alpha1
 * SubsetTemplate (`"creationTimestamp":null`, the CloneSet spec's `"scaleStrategy":{}` and `"updateStrategy":{}`,
 * `"resources":{}`, canonical quantities), wrapped as `{"spec":{"template":{...,"$patch":"replace"}}}`.
 *
 * Guarantees: the same stored UnitedDeployment gives the same revision name under OpenKruise and Kruise-TS (the
 * united-revision-golden test checks it against Go), so a switch relabels no subset and rolls no pod; the
 * defaulting is idempotent, so a template OpenKruise already defaulted hashes the same again.
 * Caveats: fields OpenKruise's types do not know are kept (see typedPodTemplate), where Go would drop them.
 */
export function unitedDeploymentRevisionData(ud: UnitedDeployment): UnitedDeploymentRevisionData {
  const typed = typedSubsetTemplate(webhookDefaulted(ud.spec?.template ?? {}));
  return { spec: { template: { ...typed, $patch: "replace" } } };
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
