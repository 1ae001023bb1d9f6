import type { StatefulSet } from "@kruise/api";
import type { RevisionSource } from "@kruise/workload";

/**
 * What an Advanced StatefulSet records as revisions: Kubernetes' StatefulSet revision (the template as a
 * strategic-merge "replace" patch, named `<set>-<hash>`, labelled with the template labels), plus OpenKruise's
 * copy of the set's annotations. The workload kit's syncRevisions finds or records it.
 */
export function statefulSetRevisionSource(set: StatefulSet): RevisionSource {
  return {
    owner: {
      apiVersion: "apps.kruise.io/v1beta1",
      kind: "StatefulSet",
      name: set.metadata?.name ?? "",
      namespace: set.metadata?.namespace ?? "",
      uid: set.metadata?.uid ?? "",
    },
    template: set.spec?.template ?? {},
    collisionCount: set.status?.collisionCount ?? 0,
    currentRevision: set.status?.currentRevision,
    annotations: set.metadata?.annotations ?? {},
  };
}
