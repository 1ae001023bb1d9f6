import { describe, expect, it } from "vitest";
import { POD_OWNER_RULES, REVISION_HISTORY_RULE } from "../src/rbac/index.ts";

// The permissions a pod-owning workload controller composes its rbac.ts from.

describe("workload RBAC fragments", () => {
  it("pods: every write, and status for conditions", () => {
    expect(POD_OWNER_RULES).toEqual([
      {
        apiGroups: [""],
        resources: ["pods"],
        verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
      },
      { apiGroups: [""], resources: ["pods/status"], verbs: ["get", "update", "patch"] },
    ]);
  });

  it("ControllerRevisions: every write (create, relabel, bump, truncate)", () => {
    expect(REVISION_HISTORY_RULE).toEqual({
      apiGroups: ["apps"],
      resources: ["controllerrevisions"],
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
    });
  });
});
