import type { PolicyRule } from "kubernetes-types/rbac/v1.js";

/**
 * The ImagePullJob and NodeImage controllers (one binary): they read nodes and pods (podSelector), own NodeImages
 * (create, label, write tags, delete with the node), own ImagePullJob status and finalizer, delete finished jobs
 * after their TTL, create and delete the pre-download jobs of CloneSets, and write Events and their leader Lease.
 */
export const rbacRules: readonly PolicyRule[] = [
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["imagepulljobs"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  // Pre-download (gate PreDownloadImageForInPlaceUpdate): CloneSets and their revisions, labelled once handled.
  { apiGroups: ["apps.kruise.io"], resources: ["clonesets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps"], resources: ["controllerrevisions"], verbs: ["get", "list", "watch", "patch"] },
  { apiGroups: ["apps.kruise.io"], resources: ["imagepulljobs/status"], verbs: ["get", "update", "patch"] },
  {
    apiGroups: ["apps.kruise.io"],
    resources: ["nodeimages"],
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
  },
  // Tags the node agent never answered are marked Failed in NodeImage status.
  { apiGroups: ["apps.kruise.io"], resources: ["nodeimages/status"], verbs: ["get", "update"] },
  { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["get", "list", "watch"] },
  // Pull secrets: read in the job's namespace, copied into kruise-daemon-config and deleted there when unreferenced.
  { apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "create", "update", "delete"] },
  { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
  { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
];
