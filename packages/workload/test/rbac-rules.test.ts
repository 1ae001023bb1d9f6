import { describe, expect, it } from "vitest";
import { kruiseControllerClusterRole, POD_OWNER_RULES, REVISION_HISTORY_RULE } from "../src/rbac/index.ts";

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

  it("a controller's ClusterRole: named kruise-<component> unless named, labelled a component of kruise, rules copied", () => {
    const rules = [...POD_OWNER_RULES];
    const role = kruiseControllerClusterRole("demo-controller", rules);
    expect(role.metadata).toEqual({
      name: "kruise-demo-controller",
      labels: { "app.kubernetes.io/name": "kruise", "app.kubernetes.io/component": "demo-controller" },
    });
    expect(role.rules).toEqual(rules);
    expect(role.rules?.[0]).not.toBe(rules[0]);
    expect(
      kruiseControllerClusterRole("demo-controller", rules, "kruise-demo-controller-ns1").metadata.name,
    ).toBe("kruise-demo-controller-ns1");
  });
});
