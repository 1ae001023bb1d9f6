// The Kind of each subset workload type. The Kruise kinds come from @kruise/api; apps/v1 StatefulSet and
// Deployment are declared here (the SDK names only the core kinds every controller needs).
import { CloneSetKind, StatefulSetKind } from "@kruise/api";
import type { Kind, KubeObject } from "@kruise/sdk";
import type { SubsetWorkloadType } from "@kruise/workload";

export const AppsStatefulSetKind: Kind<KubeObject> = {
  group: "apps",
  version: "v1",
  kind: "StatefulSet",
  plural: "statefulsets",
  namespaced: true,
};

export const DeploymentKind: Kind<KubeObject> = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  plural: "deployments",
  namespaced: true,
};

export const SUBSET_KINDS: Readonly<Record<SubsetWorkloadType, Kind<KubeObject>>> = {
  StatefulSet: AppsStatefulSetKind,
  AdvancedStatefulSet: StatefulSetKind,
  CloneSet: CloneSetKind,
  Deployment: DeploymentKind,
};
