import type { DaemonSet } from "@kruise/api";
import { CONTROLLER_REVISION_HASH_LABEL } from "@kruise/api";
import type { Client } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  bumpRevisionNumber,
  createRevisionAvoidingCollisions,
  newControllerRevision,
  nextRevisionNumber,
  planUpdateRevision,
  shortHash,
  templateRevisionData,
} from "@kruise/workload";

export interface DaemonRevisions {
  readonly update: ControllerRevision;
  /** The value pods of the update revision carry in controller-revision-hash. */
  readonly hash: string;
  /** Every other revision, oldest first not guaranteed. */
  readonly old: ControllerRevision[];
  readonly collisionCount: number;
}

/** Kubernetes' DaemonSet revisions carry the hash as controller-revision-hash; pods carry the same value. */
export function revisionHash(revision: ControllerRevision): string {
  return (
    revision.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? shortHash(revision.metadata?.name ?? "")
  );
}

function candidate(
  ds: DaemonSet,
  history: readonly ControllerRevision[],
  collisionCount: number,
): ControllerRevision {
  const template = ds.spec?.template ?? {};
  const revision = newControllerRevision({
    owner: {
      apiVersion: ds.apiVersion ?? "apps.kruise.io/v1beta1",
      kind: "DaemonSet",
      name: ds.metadata?.name ?? "",
      namespace: ds.metadata?.namespace ?? "",
      uid: ds.metadata?.uid ?? "",
    },
    // OpenKruise does not default an Advanced DaemonSet's template (no webhook defaulting for it).
    data: templateRevisionData(structuredClone(template), { webhookDefaults: false }),
    revision: nextRevisionNumber(history),
    collisionCount,
    labels: template.metadata?.labels ?? {},
  });
  const labels = revision.metadata?.labels ?? {};
  labels[CONTROLLER_REVISION_HASH_LABEL] = shortHash(revision.metadata?.name ?? "");
  return revision;
}

/**
 * Kubernetes' constructHistory: the newest revision recording the template is the update revision (an older
 * equal one is renumbered on rollback, so pods of that revision count as updated again); otherwise one is created.
 * Revisions written by OpenKruise or kube-controller-manager are reused when their data is equal, so switching
 * controllers keeps every pod's hash and restarts nothing.
 */
export async function syncDaemonRevisions(
  client: Client,
  ds: DaemonSet,
  history: readonly ControllerRevision[],
): Promise<DaemonRevisions> {
  let collisionCount = ds.status?.collisionCount ?? 0;
  const plan = planUpdateRevision(history, candidate(ds, history, collisionCount));
  let update: ControllerRevision;
  switch (plan.action) {
    case "reuse":
      update = plan.revision;
      break;
    case "bump":
      update = await bumpRevisionNumber(client, plan.revision, plan.newRevisionNumber);
      break;
    case "create": {
      const created = await createRevisionAvoidingCollisions(
        client,
        (count) => candidate(ds, history, count),
        collisionCount,
      );
      update = created.revision;
      collisionCount = created.collisionCount;
      break;
    }
  }
  const name = update.metadata?.name;
  return {
    update,
    hash: revisionHash(update),
    old: history.filter((r) => r.metadata?.name !== name),
    collisionCount,
  };
}
