import type { CloneSet } from "@kruise/api";
import { CLONESET_INSTANCE_ID_LABEL, LifecycleState } from "@kruise/api";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import {
  instancePodName,
  lifecycleStateMetadata,
  revisionLabels,
  withInPlaceReadinessGate,
} from "@kruise/workload";
import { pvcVolumes } from "./pvc.ts";

export function controllerRefOf(cs: CloneSet): OwnerReference {
  return {
    apiVersion: "apps.kruise.io/v1alpha1",
    kind: "CloneSet",
    name: cs.metadata?.name ?? "",
    uid: cs.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface NewPodOptions {
  readonly revision: string;
  readonly instanceId: string;
  readonly now: number;
  readonly shortHash?: boolean;
}

/**
 * A pod for one CloneSet instance from a revision's template: named `<cloneset>-<id>`, with the revision and
 * instance-id labels, the InPlaceUpdateReady readiness gate OpenKruise always injects, the volumes of its PVCs,
 * and its first lifecycle state. Without a preNormal hook the pod starts Normal (rather than PreparingNormal and
 * a second write once scheduled): there is nothing to wait for, and it saves one API write per pod.
 */
export function newPod(cs: CloneSet, template: PodTemplateSpec, options: NewPodOptions): Pod {
  const tpl = structuredClone(template);
  const state =
    cs.spec?.lifecycle?.preNormal !== undefined ? LifecycleState.PreparingNormal : LifecycleState.Normal;
  const lifecycle = lifecycleStateMetadata(state, options.now);
  const spec = tpl.spec ?? { containers: [] };
  spec.readinessGates = withInPlaceReadinessGate(spec.readinessGates);
  const volumes = pvcVolumes(cs, options.instanceId, spec.volumes ?? []);
  if (volumes.length > 0) spec.volumes = [...(spec.volumes ?? []), ...volumes];
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(tpl.metadata ?? {}),
      name: instancePodName(cs.metadata?.name ?? "", options.instanceId),
      namespace: cs.metadata?.namespace ?? "",
      labels: {
        ...(tpl.metadata?.labels ?? {}),
        ...revisionLabels(options.revision, options.shortHash === true),
        [CLONESET_INSTANCE_ID_LABEL]: options.instanceId,
        ...lifecycle.labels,
      },
      annotations: { ...(tpl.metadata?.annotations ?? {}), ...lifecycle.annotations },
      ownerReferences: [controllerRefOf(cs)],
    },
    spec,
  };
}
