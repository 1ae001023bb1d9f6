import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { KRUISE_DAEMON_CONFIG_NAMESPACE } from "@kruise/api";
import {
  CONTROLLER_RUNTIME_RULES,
  MANAGE_VERBS,
  READ_VERBS,
  STATUS_VERBS,
  type NamespacedRules,
} from "@kruise/sdk";

/**
 * The ImagePullJob and NodeImage controllers (one binary): they read nodes and pods (podSelector), own NodeImages
 * (create, label, write tags, delete with the node), own ImagePullJob status and finalizer, delete finished jobs
 * after their TTL, create and delete the pre-download jobs of CloneSets, StatefulSets and DaemonSets, and write Events and their leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["imagepulljobs"],
    verbs: [...MANAGE_VERBS],
  },
  // Pre-download (gates PreDownloadImageForInPlaceUpdate, PreDownloadImageForDaemonSetUpdate): the workloads and
  // their revisions, labelled once handled.
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["clonesets", "statefulsets", "daemonsets"],
    verbs: [...READ_VERBS],
  },
  { apiGroups: ["apps"], resources: ["controllerrevisions"], verbs: [...READ_VERBS, "patch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["imagepulljobs/status"], verbs: [...STATUS_VERBS] },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["nodeimages"],
    verbs: [...MANAGE_VERBS],
  },
  // Tags the node agent never answered are marked Failed in NodeImage status.
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages/status"], verbs: ["get", "update"] },
  { apiGroups: [""], resources: ["nodes", "pods"], verbs: [...READ_VERBS] },
  // A job's pull Secrets are read (by name, never listed) in the job's own namespace, which can be any.
  { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
  // Events and the leader-election Lease (what the SDK does for every controller).
  ...CONTROLLER_RUNTIME_RULES,
];

/** Writes to Secrets only where the copies live: created, reference-counted and deleted in kruise-daemon-config. */
export const rbacNamespacedRules: readonly NamespacedRules[] = [
  {
    namespace: KRUISE_DAEMON_CONFIG_NAMESPACE,
    rules: [
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "delete"] },
    ],
  },
];
