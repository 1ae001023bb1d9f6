import type { DaemonSet } from "@kruise/api";
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { describe, expect, it } from "vitest";
import { revisionsToDelete } from "@kruise/workload";
import { daemonHistory, type DaemonRevisions } from "../src/revisions.ts";

const revision = (n: number): ControllerRevision => ({
  metadata: { name: `ds-hash${n}`, labels: { "controller-revision-hash": `hash${n}` } },
  revision: n,
});
const podAt = (n: number): Pod => ({ metadata: { labels: { "controller-revision-hash": `hash${n}` } } });
const daemonSet = (revisionHistoryLimit?: number): DaemonSet =>
  ({ spec: revisionHistoryLimit === undefined ? {} : { revisionHistoryLimit } }) as DaemonSet;
const revisions = (old: number[], update: number): DaemonRevisions => ({
  update: revision(update),
  hash: `hash${update}`,
  old: old.map(revision),
  collisionCount: 0,
});

// OpenKruise's daemonset cleanupHistory: toKill = len(old) - limit, taken from the oldest old revisions no pod carries.
describe("DaemonSet history", () => {
  it.each([
    { name: "within the limit", old: [1, 2], pods: [], limit: 2, deleted: [] },
    { name: "the oldest beyond the limit", old: [3, 1, 2], pods: [], limit: 1, deleted: [1, 2] },
    {
      name: "a revision a pod carries counts but stays",
      old: [1, 2, 3],
      pods: [1],
      limit: 1,
      deleted: [2, 3],
    },
    {
      name: "default limit 10",
      old: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      pods: [],
      limit: undefined,
      deleted: [1],
    },
  ])("$name", ({ old, pods, limit, deleted }) => {
    const selected = revisionsToDelete(daemonHistory(daemonSet(limit), revisions(old, 12), pods.map(podAt)));
    expect(selected.map((r) => r.revision)).toEqual(deleted);
  });
});
