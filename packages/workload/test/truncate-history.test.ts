import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import { describe, expect, it } from "vitest";
import { NotFoundError, type Client, type DeleteOptions } from "@kruise/sdk";
import {
  DEFAULT_REVISION_HISTORY_LIMIT,
  revisionsToDelete,
  truncateHistory,
  usedByPods,
  workloadHistory,
  type HistoryLimitRule,
  type RevisionState,
} from "../src/index.ts";
import { pod } from "./helpers.ts";

/** r1 … rN, with revision numbers 1 … N, listed newest first (the selection must not trust the order). */
function history(count: number): ControllerRevision[] {
  return Array.from({ length: count }, (_, i) => revision(i + 1)).reverse();
}

function revision(n: number): ControllerRevision {
  return { metadata: { name: `set-r${n}`, namespace: "ns", uid: `uid-${n}` }, revision: n };
}

const numbers = (revisions: readonly ControllerRevision[]): number[] => revisions.map((r) => r.revision);

describe("revisionsToDelete", () => {
  // [case, revisions r1…rN, in use, revisionHistoryLimit, rule, minimum limit, deleted]
  type Case = [string, number, number[], number | undefined, HistoryLimitRule, number, number[]];
  const cases: Case[] = [
    // Kubernetes' truncateHistory (CloneSet, StatefulSet): the limit counts unused revisions only.
    ["unused: within the limit", 3, [3], 2, "unused", 0, []],
    ["unused: oldest beyond the limit", 6, [6], 2, "unused", 0, [1, 2, 3]],
    ["unused: live ones neither go nor count", 6, [1, 5, 6], 1, "unused", 0, [2, 3]],
    ["unused: default limit 10", 13, [13], undefined, "unused", 0, [1, 2]],
    ["unused: limit 0 keeps only live ones", 4, [2, 4], 0, "unused", 0, [1, 3]],
    ["unused: a negative limit counts as 0", 3, [3], -5, "unused", 0, [1, 2]],
    // OpenKruise's DaemonSet cleanupHistory and SidecarSet truncateHistory: the limit counts every revision.
    ["all: within the limit", 2, [], 2, "all", 0, []],
    ["all: live ones count, the oldest unused go", 4, [1], 1, "all", 0, [2, 3, 4]],
    ["all: more live than the limit", 4, [1, 2, 3], 1, "all", 0, [4]],
    ["all: default limit 10", 12, [12], undefined, "all", 0, [1, 2]],
    ["all: minimum limit 1 (SidecarSet)", 2, [2], 0, "all", 1, [1]],
    ["all: a limit above the minimum", 5, [5], 3, "all", 1, [1, 2]],
    // OpenKruise's UnitedDeployment cleanExpiredRevision: only the oldest beyond the limit are candidates.
    ["oldest: within the limit", 3, [1], 3, "oldest", 0, []],
    ["oldest: a live one among the oldest stays, fewer go", 4, [1, 4], 2, "oldest", 0, [2]],
    ["oldest: live ones past the oldest do not shift the window", 5, [4, 5], 2, "oldest", 0, [1, 2, 3]],
    ["oldest: default limit 10", 11, [11], undefined, "oldest", 0, [1]],
  ];
  it.each(cases)("%s", (_case, count, inUse, limit, rule, minimumLimit, deleted) => {
    const selected = revisionsToDelete({
      history: history(count),
      inUse: (r) => inUse.includes(r.revision),
      revisionHistoryLimit: limit,
      rule,
      minimumLimit,
    });
    expect(numbers(selected)).toEqual(deleted);
  });

  it("orders revisions of the same number by creation time, then name (Kubernetes' history order)", () => {
    const at = (name: string, time: string): ControllerRevision => ({
      metadata: { name, creationTimestamp: time },
      revision: 1,
    });
    const selected = revisionsToDelete({
      history: [
        at("b", "2026-01-01T00:00:02Z"),
        at("c", "2026-01-01T00:00:01Z"),
        at("a", "2026-01-01T00:00:02Z"),
      ],
      inUse: () => false,
      revisionHistoryLimit: 1,
      rule: "unused",
    });
    expect(selected.map((r) => r.metadata?.name)).toEqual(["c", "a"]);
  });

  it("the default limit is 10", () => {
    expect(DEFAULT_REVISION_HISTORY_LIMIT).toBe(10);
  });
});

describe("in-use rules", () => {
  it("usedByPods: the named revisions and any a pod is at, by full name or short hash", () => {
    const inUse = usedByPods(["set-r5"], [pod({ revision: "set-r1" }), pod({ revision: "r2" })]);
    expect([1, 2, 3, 5].map((n) => inUse(revision(n)))).toEqual([true, true, false, true]);
  });

  it("workloadHistory: current, update and pods' revisions are live; the limit counts the rest", () => {
    const all = history(6);
    const state: RevisionState = {
      history: all,
      currentRevision: revision(4),
      updateRevision: revision(6),
      collisionCount: 0,
      changed: undefined,
    };
    const selected = revisionsToDelete(workloadHistory(state, [pod({ revision: "set-r1" })], 1));
    expect(numbers(selected)).toEqual([2, 3]);
  });
});

describe("truncateHistory", () => {
  function recordingClient(fail: Record<string, Error> = {}): {
    client: Client;
    deletes: Array<{ name: string; namespace: string | undefined; options: DeleteOptions | undefined }>;
  } {
    const deletes: Array<{
      name: string;
      namespace: string | undefined;
      options: DeleteOptions | undefined;
    }> = [];
    const client = {
      async delete(_kind: unknown, name: string, namespace?: string, options?: DeleteOptions) {
        deletes.push({ name, namespace, options });
        const err = fail[name];
        if (err !== undefined) throw err;
      },
    } as unknown as Client;
    return { client, deletes };
  }
  const truncation = {
    history: history(4),
    inUse: (r: ControllerRevision) => r.revision === 4,
    revisionHistoryLimit: 1,
    rule: "unused" as const,
  };

  it("deletes oldest first, each with its uid as a precondition", async () => {
    const { client, deletes } = recordingClient();
    await truncateHistory(client, truncation);
    expect(deletes).toEqual([
      { name: "set-r1", namespace: "ns", options: { preconditions: { uid: "uid-1" } } },
      { name: "set-r2", namespace: "ns", options: { preconditions: { uid: "uid-2" } } },
    ]);
  });

  it("a revision already gone counts as deleted; any other error stops and is thrown", async () => {
    const gone = recordingClient({
      "set-r1": new NotFoundError({
        code: 404,
        reason: "NotFound",
        verb: "DELETE",
        path: "/x",
        message: "gone",
      }),
    });
    await truncateHistory(gone.client, truncation);
    expect(gone.deletes.map((d) => d.name)).toEqual(["set-r1", "set-r2"]);
    const refused = recordingClient({ "set-r1": new Error("forbidden") });
    await expect(truncateHistory(refused.client, truncation)).rejects.toThrow("forbidden");
    expect(refused.deletes.map((d) => d.name)).toEqual(["set-r1"]);
  });
});
