// Tags the node agent never answered: OpenKruise's NodeImage controller marks them Failed ("node has not responded
// for a long time") so that jobs waiting on a dead node complete instead of waiting forever.
import type { ImageTagStatus, NodeImage, NodeImageStatus } from "@kruise/api";
import { type ReadOnly, thaw } from "@kruise/sdk";

/** How long after `createdAt` (or after `activeDeadlineSeconds`) a tag may stay without status. */
export const AGENT_RESPONSE_GRACE_MS = 10 * 60_000;
export const NOT_RESPONDED_MESSAGE = "node has not responded for a long time";

/**
 * The status with every overdue tag (no status at its version 10 min after `createdAt`, or after
 * `activeDeadlineSeconds` + 10 min when set) marked Failed, and when the next tag becomes overdue. `changed` is
 * false when nothing was overdue.
 */
export function markUnresponsive(
  nodeImage: ReadOnly<NodeImage>,
  now: number,
): { status: NodeImageStatus; changed: boolean; nextDue: number | undefined } {
  const status = thaw<NodeImageStatus>(nodeImage.status ?? {});
  let changed = false;
  let nextDue: number | undefined;
  for (const [name, image] of Object.entries(nodeImage.spec?.images ?? {})) {
    for (const tag of image.tags ?? []) {
      const version = tag.version ?? 0;
      const statuses = status.imageStatuses?.[name]?.tags ?? [];
      if (statuses.some((s) => s.tag === tag.tag && (s.version ?? 0) === version)) continue;
      if (tag.createdAt === undefined) continue;
      const deadline = tag.pullPolicy?.activeDeadlineSeconds;
      const due =
        Date.parse(tag.createdAt) + (deadline === undefined ? 0 : deadline * 1000) + AGENT_RESPONSE_GRACE_MS;
      if (due > now) {
        nextDue = Math.min(nextDue ?? due, due);
        continue;
      }
      const failed: ImageTagStatus = {
        tag: tag.tag,
        phase: "Failed",
        version,
        completionTime: new Date(now).toISOString(),
        message: NOT_RESPONDED_MESSAGE,
      };
      const imageStatuses = (status.imageStatuses ??= {});
      const entry = (imageStatuses[name] ??= { tags: [] });
      entry.tags = [...(entry.tags ?? []).filter((s) => s.tag !== tag.tag), failed];
      status.failed = (status.failed ?? 0) + 1;
      changed = true;
    }
  }
  return { status, changed, nextDue };
}
