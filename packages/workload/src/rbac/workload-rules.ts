// The permissions every pod-owning workload controller shares (CloneSet, Advanced StatefulSet, Advanced DaemonSet,
// UnitedDeployment's revisions), named once so that each app's rbac.ts composes them instead of restating them.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { componentClusterRole, MANAGE_VERBS, STATUS_VERBS, type NamedClusterRole } from "@kruise/sdk";

/**
 * Pods a workload creates, updates in place and deletes, and whose status conditions it writes (InPlaceUpdateReady,
 * the lifecycle's readiness gate entries).
 */
export const POD_OWNER_RULES: readonly PolicyRule[] = [
  { apiGroups: [""], resources: ["pods"], verbs: [...MANAGE_VERBS] },
  { apiGroups: [""], resources: ["pods/status"], verbs: [...STATUS_VERBS] },
];

/** The ControllerRevisions a workload keeps its revision history in: created, relabelled, bumped and truncated. */
export const REVISION_HISTORY_RULE: PolicyRule = {
  apiGroups: ["apps"],
  resources: ["controllerrevisions"],
  verbs: [...MANAGE_VERBS],
};

/** The application every Kruise controller's ClusterRole is labelled part of (`app.kubernetes.io/name`). */
export const KRUISE_APP_NAME = "kruise";

/**
 * The ClusterRole of one Kruise controller, labelled as component `component` of Kruise and granting exactly
 * `rules`; named `kruise-<component>` unless `name` is given (a test gives each namespace its own).
 */
export function kruiseControllerClusterRole(
  component: string,
  rules: readonly PolicyRule[],
  name = `${KRUISE_APP_NAME}-${component}`,
): NamedClusterRole {
  return componentClusterRole(name, rules, { app: KRUISE_APP_NAME, component });
}
