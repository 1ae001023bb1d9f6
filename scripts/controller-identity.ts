// The main job runs each controller as it runs in a cluster: under its own ServiceAccount, bound to exactly the
// rules of its apps/<app>/src/rbac.ts (the same rules the chart renders), never as the admin. So a rule a
// controller forgot fails every day on `npm start`, not first in production.
import type { ControlPlane } from "@kruise/testenv";
import { loadAppRbac } from "./charts/rbac-rules.ts";

/** Where the controllers' ServiceAccounts live, as in the chart's default release namespace. */
export const CONTROLLER_NAMESPACE = "kruise-system";

/**
 * Creates (or updates) `<app>-controller`'s ServiceAccount, ClusterRole and ClusterRoleBinding from `rbacFile`, and
 * a Role and RoleBinding in each namespace its `rbacNamespacedRules` name (creating the namespace, as the umbrella
 * chart does), and returns a kubeconfig holding a token for that ServiceAccount.
 */
export async function controllerKubeconfig(
  cp: ControlPlane,
  app: string,
  rbacFile: string,
  root: string,
): Promise<string> {
  const { rules, namespaced } = await loadAppRbac(rbacFile, root);
  const account = `${app}-controller`;
  const role = `kruise-ts:${account}`;
  const objects = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: CONTROLLER_NAMESPACE } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: role, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
      rules,
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: role, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
      subjects: [{ kind: "ServiceAccount", name: account, namespace: CONTROLLER_NAMESPACE }],
    },
    ...namespaced.flatMap(({ namespace, rules: scoped }) => [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: role, namespace, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
        rules: scoped,
      },
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: role, namespace, labels: { "app.kubernetes.io/part-of": "kruise-ts" } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
        subjects: [{ kind: "ServiceAccount", name: account, namespace: CONTROLLER_NAMESPACE }],
      },
    ]),
  ];
  const applied = await cp.kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], {
    input: objects.map((o) => JSON.stringify(o)).join("\n"),
  });
  if (applied.code !== 0) throw new Error(`could not set up ${account}'s RBAC: ${applied.stderr.trim()}`);
  return cp.serviceAccountKubeconfig(CONTROLLER_NAMESPACE, account);
}
