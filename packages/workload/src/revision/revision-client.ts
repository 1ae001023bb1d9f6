import { ControllerRevisionKind, isAlreadyExists, type Client } from "@kruise/sdk";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { equalRevisionData } from "./revision-data.ts";

// Each collision picks a new name; a handful is already astronomically unlikely, so this only guards a bug.
const MAX_COLLISION_ATTEMPTS = 64;

/**
 * Creates the revision `build(collisionCount)` returns. When the name is taken by a revision recording the
 * same state, that one is returned; when it is taken by different state (a hash collision) the collision
 * count goes up and a new name is tried. Returns the revision and the collision count to store in status.
 */
export async function createRevisionAvoidingCollisions(
  client: Client,
  build: (collisionCount: number) => ControllerRevision,
  collisionCount: number,
): Promise<{ revision: ControllerRevision; collisionCount: number }> {
  let count = collisionCount;
  for (let attempt = 0; attempt < MAX_COLLISION_ATTEMPTS; attempt++) {
    const candidate = build(count);
    try {
      return { revision: await client.create(ControllerRevisionKind, candidate), collisionCount: count };
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const existing = await client.get(
        ControllerRevisionKind,
        candidate.metadata?.name ?? "",
        candidate.metadata?.namespace,
      );
      if (equalRevisionData(existing, candidate)) return { revision: existing, collisionCount: count };
      count++;
    }
  }
  throw new Error(
    `could not find a free ControllerRevision name after ${MAX_COLLISION_ATTEMPTS} hash collisions; check status.collisionCount`,
  );
}

/** Makes an older revision the newest again (rollback), optionally refreshing annotations on it. */
export async function bumpRevisionNumber(
  client: Client,
  revision: ControllerRevision,
  newRevisionNumber: number,
  annotations?: Record<string, string>,
): Promise<ControllerRevision> {
  if (revision.revision === newRevisionNumber && annotations === undefined) return revision;
  return client.patch(
    ControllerRevisionKind,
    revision.metadata?.name ?? "",
    revision.metadata?.namespace,
    "merge",
    {
      revision: newRevisionNumber,
      ...(annotations !== undefined ? { metadata: { annotations } } : {}),
    },
  );
}
