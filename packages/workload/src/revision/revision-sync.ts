import type { Client, Kind, KubeObject } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { CONTROLLER_REVISION_HASH_LABEL } from "../keys.ts";
import { newControllerRevision, revisionOwner, type RevisionOwner } from "./controller-revision.ts";
import { shortHash } from "./revision-match.ts";
import { findCurrentRevision, nextRevisionNumber, planUpdateRevision } from "./history.ts";
import { bumpRevisionNumber, createRevisionAvoidingCollisions } from "./revision-client.ts";
import { templateRevisionData } from "./revision-data.ts";

/** What a workload records as revisions: its pod template, and the status fields revisions are tracked in. */
export interface RevisionSource {
  readonly owner: RevisionOwner;
  readonly template: PodTemplateSpec;
  /**
   * What to record instead of the pod template's revision data (UnitedDeployment records its whole subset
   * template, see unitedDeploymentRevisionData). Absent: `templateRevisionData(template)`.
   */
  readonly data?: unknown;
  /** Labels of each revision. Absent: the template's labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** status.collisionCount as stored. */
  readonly collisionCount: number;
  /** status.currentRevision as stored (undefined for a new workload). */
  readonly currentRevision: string | undefined;
  /**
   * Copied onto every revision, and refreshed on one a rollback renumbers (Advanced StatefulSet copies the set's
   * annotations, volumeClaimTemplates hash included).
   */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** False records the template as written (OpenKruise defaults no Advanced DaemonSet template). Default true. */
  readonly webhookDefaults?: boolean | undefined;
  /** Kubernetes' DaemonSet revisions also carry their own hash as controller-revision-hash, as their pods do. */
  readonly hashLabel?: boolean | undefined;
}

/** A workload with a pod template, and the status fields its revisions are tracked in. */
export interface TemplateWorkload extends KubeObject {
  readonly spec?: { readonly template?: PodTemplateSpec };
  readonly status?: { readonly collisionCount?: number; readonly currentRevision?: string };
}

/**
 * The revision source of a pod-template workload of kind `kind`: owned by it, its template, the collision count and
 * current revision its status holds. A controller adds what else its revisions record (annotations, labels …).
 */
export function templateRevisionSource(kind: Kind, workload: TemplateWorkload): RevisionSource {
  return {
    owner: revisionOwner(kind, workload),
    template: workload.spec?.template ?? {},
    collisionCount: workload.status?.collisionCount ?? 0,
    currentRevision: workload.status?.currentRevision,
  };
}

export interface RevisionState {
  readonly updateRevision: ControllerRevision;
  readonly currentRevision: ControllerRevision;
  readonly collisionCount: number;
  /** The history including anything created or bumped now. */
  readonly history: ControllerRevision[];
  /** "create" or "bump" when this reconcile started a new update revision. */
  readonly changed: "create" | "bump" | undefined;
}

/** The revision the template would be recorded as, for a collision count. */
export function candidateRevision(
  source: RevisionSource,
  history: readonly ControllerRevision[],
  collisionCount: number,
): ControllerRevision {
  const revision = newControllerRevision({
    owner: source.owner,
    data:
      source.data ??
      templateRevisionData(structuredClone(source.template), {
        ...(source.webhookDefaults === false ? { webhookDefaults: false } : {}),
      }),
    revision: nextRevisionNumber(history),
    collisionCount,
    labels: source.labels ?? source.template.metadata?.labels ?? {},
    ...(source.annotations !== undefined ? { annotations: source.annotations } : {}),
  });
  if (source.hashLabel === true && revision.metadata?.labels !== undefined)
    revision.metadata.labels[CONTROLLER_REVISION_HASH_LABEL] = shortHash(revision.metadata.name ?? "");
  return revision;
}

/**
 * Finds or records the update revision (reuse the newest equal one, bump an older equal one on rollback, or create
 * one, stepping the collision count past a name taken by different data) and resolves the current one: what
 * Kubernetes' StatefulSet/DaemonSet controllers and OpenKruise's CloneSet do in getActiveRevisions.
 *
 * Guarantees: at most one write (a create or a revision-number bump), and none when the newest revision already
 * records the template.
 */
export async function syncRevisions(
  client: Client,
  source: RevisionSource,
  history: readonly ControllerRevision[],
): Promise<RevisionState> {
  let collisionCount = source.collisionCount;
  const plan = planUpdateRevision(history, candidateRevision(source, history, collisionCount));
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
        (count) => candidateRevision(source, history, count),
        collisionCount,
      );
      update = created.revision;
      collisionCount = created.collisionCount;
      if (!all.some((r) => r.metadata?.name === update.metadata?.name)) all.push(update);
      changed = "create";
      break;
    }
  }
  const current = findCurrentRevision(all, source.currentRevision, update);
  return { updateRevision: update, currentRevision: current, collisionCount, history: all, changed };
}
