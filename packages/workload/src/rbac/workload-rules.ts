// The permissions every pod-owning workload controller shares (CloneSet, Advanced StatefulSet, Advanced DaemonSet,
// UnitedDeployment's revisions), named once so that each app's rbac.ts composes them instead of restating them.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { MANAGE_VERBS, STATUS_VERBS } from "@kruise/sdk";

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
