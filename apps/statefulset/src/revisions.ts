import type { StatefulSet } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  bumpRevisionNumber,
  createRevisionAvoidingCollisions,
  findCurrentRevision,
  newControllerRevision,
  nextRevisionNumber,
  planUpdateRevision,
  templateRevisionData,
} from "@kruise/workload";

export interface RevisionState {
  readonly updateRevision: ControllerRevision;
  readonly currentRevision: ControllerRevision;
  readonly collisionCount: number;
  readonly history: ControllerRevision[];
}

/**
 * The revision the set's template is recorded as: Kubernetes' StatefulSet revision (the template as a
 * strategic-merge "replace" patch, named `<set>-<hash>`, labelled with the template labels), plus OpenKruise's
 * copy of the set's annotations.
 */
function candidate(
  set: StatefulSet,
  history: readonly ControllerRevision[],
  collisionCount: number,
): ControllerRevision {
  return newControllerRevision({
    owner: {
      apiVersion: "apps.kruise.io/v1beta1",
      kind: "StatefulSet",
      name: set.metadata?.name ?? "",
      namespace: set.metadata?.namespace ?? "",
      uid: set.metadata?.uid ?? "",
    },
    data: templateRevisionData(structuredClone(set.spec?.template ?? {})),
    revision: nextRevisionNumber(history),
    collisionCount,
    labels: set.spec?.template.metadata?.labels ?? {},
    annotations: set.metadata?.annotations ?? {},
  });
}

/** Finds or records the update revision (reuse, bump an older equal one on rollback, or create) and the current one. */
export async function syncRevisions(
  client: Client,
  set: StatefulSet,
  history: readonly ControllerRevision[],
): Promise<RevisionState> {
  let collisionCount = set.status?.collisionCount ?? 0;
  const plan = planUpdateRevision(history, candidate(set, history, collisionCount));
  let update: ControllerRevision;
  let all = [...history];
  if (plan.action === "reuse") {
    update = plan.revision;
  } else if (plan.action === "bump") {
    update = await bumpRevisionNumber(client, plan.revision, plan.newRevisionNumber, plan.annotations);
    all = all.map((r) => (r.metadata?.name === update.metadata?.name ? update : r));
  } else {
    const created = await createRevisionAvoidingCollisions(
      client,
      (count) => candidate(set, history, count),
      collisionCount,
    );
    update = created.revision;
    collisionCount = created.collisionCount;
    if (!all.some((r) => r.metadata?.name === update.metadata?.name)) all.push(update);
  }
  const current = findCurrentRevision(all, set.status?.currentRevision, update);
  return { updateRevision: update, currentRevision: current, collisionCount, history: all };
}
