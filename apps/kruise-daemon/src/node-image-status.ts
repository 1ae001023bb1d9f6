// The NodeImage status the agent reports: one entry per tag it has a worker for, and the counts over the spec.
import type { NodeImage, NodeImageStatus, ImageTagStatus } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";

/** A tag of the spec: image name, tag, and the status the agent has for it (undefined: not started). */
export interface TagState {
  image: string;
  status: ImageTagStatus | undefined;
}

/**
 * Builds status from the agent's tag states. Counts are over every tag of the spec: a tag with no state yet is
 * waiting. Keeps `firstSyncStatus` as it was.
 */
export function nodeImageStatus(node: ReadOnly<NodeImage>, states: readonly TagState[]): NodeImageStatus {
  const status: NodeImageStatus = { desired: states.length, succeeded: 0, failed: 0, pulling: 0, waiting: 0 };
  const imageStatuses: NonNullable<NodeImageStatus["imageStatuses"]> = {};
  for (const { image, status: tag } of states) {
    const phase = tag?.phase ?? "Waiting";
    if (phase === "Succeeded") status.succeeded = (status.succeeded ?? 0) + 1;
    else if (phase === "Failed") status.failed = (status.failed ?? 0) + 1;
    else if (phase === "Pulling") status.pulling = (status.pulling ?? 0) + 1;
    else status.waiting = (status.waiting ?? 0) + 1;
    if (tag === undefined) continue;
    const tags = (imageStatuses[image] ??= { tags: [] }).tags ?? [];
    tags.push(withoutEmpty(tag));
  }
  if (Object.keys(imageStatuses).length > 0) status.imageStatuses = imageStatuses;
  if (node.status?.firstSyncStatus !== undefined) status.firstSyncStatus = { ...node.status.firstSyncStatus };
  return status;
}

function withoutEmpty(tag: ImageTagStatus): ImageTagStatus {
  return Object.fromEntries(
    Object.entries(tag).filter(([, v]) => v !== undefined && v !== ""),
  ) as unknown as ImageTagStatus;
}

/** The CRI reference of a tag: `name:tag`, or `name@sha256:…` for a digest. */
export function imageRef(image: string, tag: string): string {
  return tag.includes(":") ? `${image}@${tag}` : `${image}:${tag}`;
}
