import { StatefulSetKind, type StatefulSet } from "@kruise/api";
import { revisionOwner, type RevisionSource } from "@kruise/workload";

/**
 * What an Advanced StatefulSet records as revisions: Kubernetes' StatefulSet revision (the template as a
 * strategic-merge "replace" patch, named `<set>-<hash>`, labelled with the template labels), plus OpenKruise's
 * copy of the set's annotations. The workload kit's syncRevisions finds or records it.
 */
export function statefulSetRevisionSource(set: StatefulSet): RevisionSource {
  return {
    owner: revisionOwner(StatefulSetKind, set),
    template: set.spec?.template ?? {},
    collisionCount: set.status?.collisionCount ?? 0,
    currentRevision: set.status?.currentRevision,
    annotations: set.metadata?.annotations ?? {},
  };
}
