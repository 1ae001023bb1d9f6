import { StatefulSetKind, type StatefulSet } from "@kruise/api";
import { templateRevisionSource, type RevisionSource } from "@kruise/workload";

/**
 * What an Advanced StatefulSet records as revisions: Kubernetes' StatefulSet revision (the template as a
 * strategic-merge "replace" patch, named `<set>-<hash>`, labelled with the template labels), plus OpenKruise's
 * copy of the set's annotations. The workload kit's syncRevisions finds or records it.
 */
export function statefulSetRevisionSource(set: StatefulSet): RevisionSource {
  return { ...templateRevisionSource(StatefulSetKind, set), annotations: set.metadata?.annotations ?? {} };
}
