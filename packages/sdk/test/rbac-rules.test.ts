import { describe, expect, it } from "vitest";
import { MANAGE_VERBS, READ_VERBS, reconciledKindRules, STATUS_VERBS } from "../src/rbac/index.ts";

// The named rule fragments controllers compose their rbac.ts from: what each grants.

describe("reconciledKindRules", () => {
  it.each([
    {
      extra: undefined,
      kind: ["get", "list", "watch"],
    },
    {
      extra: ["update", "patch"],
      kind: ["get", "list", "watch", "update", "patch"],
    },
  ])("grants read $extra on the kind and get/update/patch on its status", ({ extra, kind }) => {
    expect(reconciledKindRules("example.io", "widgets", extra)).toEqual([
      { apiGroups: ["example.io"], resources: ["widgets"], verbs: kind },
      { apiGroups: ["example.io"], resources: ["widgets/status"], verbs: ["get", "update", "patch"] },
    ]);
  });

  it("gives fresh arrays each call, so one controller's rules cannot change another's or the shared verb lists", () => {
    const first = reconciledKindRules("example.io", "widgets");
    first[0]?.verbs.push("delete");
    first[1]?.verbs.push("delete");
    expect(reconciledKindRules("example.io", "widgets")[0]?.verbs).toEqual(["get", "list", "watch"]);
    expect(READ_VERBS).toEqual(["get", "list", "watch"]);
    expect(STATUS_VERBS).toEqual(["get", "update", "patch"]);
  });
});

describe("verb lists", () => {
  it("MANAGE_VERBS is reading plus every write", () => {
    expect(MANAGE_VERBS).toEqual(["get", "list", "watch", "create", "update", "patch", "delete"]);
  });
});
