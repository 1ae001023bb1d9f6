import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { apiVersionOf, type Kind, type KubeObject, type ReadOnly } from "@kruise/sdk";
import { CONTROLLER_REVISION_DATA_HASH_LABEL } from "../keys.ts";
import { hashRevisionData } from "./hash.ts";
import { serializeRevisionData } from "./revision-data.ts";

/** The workload a revision belongs to. */
export interface RevisionOwner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid: string;
}

/** The workload of kind `kind` as the owner of its revisions (the kind's apiVersion, the object's identity). */
export function revisionOwner(kind: Kind, obj: ReadOnly<KubeObject>): RevisionOwner {
  return {
    apiVersion: apiVersionOf(kind),
    kind: kind.kind,
    name: obj.metadata?.name ?? "",
    namespace: obj.metadata?.namespace ?? "",
    uid: obj.metadata?.uid ?? "",
  };
}

export interface NewRevisionInput {
  readonly owner: RevisionOwner;
  /** The state to record; hashed as canonical JSON. */
  readonly data: unknown;
  /** The revision number (see nextRevisionNumber). */
  readonly revision: number;
  readonly collisionCount?: number;
  /** Copied onto the revision so that listing by the workload's selector finds it (the template labels). */
  readonly labels?: Readonly<Record<string, string>>;
  /** CloneSet copies its own annotations onto each revision. */
  readonly annotations?: Readonly<Record<string, string>>;
}

// Names are capped at 253 characters; the prefix is cut so that "-<hash>" always fits, as Kubernetes does.
const MAX_PREFIX = 223;

export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, MAX_PREFIX)}-${hash}`;
}

export function controllerRefTo(owner: RevisionOwner): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A ControllerRevision named `<owner>-<hash>` with the hash label, owned by the workload. */
export function newControllerRevision(input: NewRevisionInput): ControllerRevision {
  const hash = hashRevisionData(serializeRevisionData(input.data), input.collisionCount);
  const annotations =
    input.annotations !== undefined && Object.keys(input.annotations).length > 0
      ? { ...input.annotations }
      : undefined;
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: revisionName(input.owner.name, hash),
      ...(input.owner.namespace !== undefined ? { namespace: input.owner.namespace } : {}),
      labels: { ...(input.labels ?? {}), [CONTROLLER_REVISION_DATA_HASH_LABEL]: hash },
      ...(annotations !== undefined ? { annotations } : {}),
      ownerReferences: [controllerRefTo(input.owner)],
    },
    data: input.data as ControllerRevision["data"],
    revision: input.revision,
  };
}
