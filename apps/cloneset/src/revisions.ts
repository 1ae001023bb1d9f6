import type { CloneSet } from "@kruise/api";
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
  type RevisionOwner,
} from "@kruise/workload";

export interface RevisionState {
  readonly updateRevision: ControllerRevision;
  readonly currentRevision: ControllerRevision;
  readonly collisionCount: number;
  /** The history including anything created or bumped now. */
  readonly history: ControllerRevision[];
  /** "create" or "bump" when this reconcile started a new update revision. */
  readonly changed: "create" | "bump" | undefined;
}

function ownerOf(cs: CloneSet): RevisionOwner {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    name: cs.metadata?.name ?? "",
    namespace: cs.metadata?.namespace ?? "",
    uid: cs.metadata?.uid ?? "",
  };
}

/** The revision a CloneSet's template would be recorded as, for a collision count. */
export function candidateRevision(
  cs: CloneSet,
  history: readonly ControllerRevision[],
  collisionCount: number,
): ControllerRevision {
  return newControllerRevision({
    owner: ownerOf(cs),
    data: templateRevisionData(structuredClone(cs.spec?.template ?? {})),
    revision: nextRevisionNumber(history),
    collisionCount,
    labels: cs.spec?.template.metadata?.labels ?? {},
  });
}

/**
 * Finds or records the update revision (reuse the newest equal one, bump an older equal one on rollback,
 * or create one, stepping the collision count past a name taken by different data) and resolves the current one.
 */
export async function syncRevisions(
  client: Client,
  cs: CloneSet,
  history: readonly ControllerRevision[],
): Promise<RevisionState> {
  let collisionCount = cs.status?.collisionCount ?? 0;
  const plan = planUpdateRevision(history, candidateRevision(cs, history, collisionCount));
  let update: ControllerRevision;
  let all = [...history];
  let changed: RevisionState["changed"];
  switch (plan.action) {
    case "reuse":
      update = plan.revision;
      break;
    case "bump":
      update = await bumpRevisionNumber(client, plan.revision, plan.newRevisionNumber, plan.annotations);
      all = all.map((r) => (r.metadata?.name === update.metadata?.name ? update : r));
      changed = "bump";
      break;
    case "create": {
      const created = await createRevisionAvoidingCollisions(
        client,
        (count) => candidateRevision(cs, history, count),
        collisionCount,
      );
      update = created.revision;
      collisionCount = created.collisionCount;
      if (!all.some((r) => r.metadata?.name === update.metadata?.name)) all.push(update);
      changed = "create";
      break;
    }
  }
  const current = findCurrentRevision(all, cs.status?.currentRevision, update);
  return { updateRevision: update, currentRevision: current, collisionCount, history: all, changed };
}
