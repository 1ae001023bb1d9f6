import { LifecycleState } from "@kruise/api";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { CLONESET_INSTANCE_ID_LABEL } from "../keys.ts";
import { withInPlaceReadinessGate } from "../inplace/readiness-gate.ts";
import { lifecycleStateMetadata } from "../lifecycle/state.ts";
import { instancePodName } from "../ordering/instance-id.ts";
import { volumesWithClaims } from "../pvc/claims.ts";
import { revisionLabels } from "../revision/revision-match.ts";
import { cloneJson } from "../util/json.ts";

export interface NewInstancePodInput {
  /** The template of the revision this pod is created at. */
  readonly template: PodTemplateSpec;
  readonly revision: string;
  readonly workloadName: string;
  readonly namespace: string;
  readonly instanceId: string;
  /** Controller reference to the workload. */
  readonly owner: OwnerReference;
  /** The instance's PVCs by template name (pvc/claimsForInstance); their volumes replace same-named ones. */
  readonly claims?: ReadonlyMap<string, PersistentVolumeClaim>;
  readonly now: number;
  /** Gate CloneSetShortHash: write only the short hash into controller-revision-hash. */
  readonly useShortHash?: boolean;
  /**
   * The first lifecycle state; default PreparingNormal. A controller may start a pod without a preNormal hook at
   * Normal instead: nothing waits on PreparingNormal then, and it saves one write per pod.
   */
  readonly lifecycleState?: LifecycleState;
  /** CloneSet always adds the InPlaceUpdateReady readiness gate; default true. */
  readonly injectInPlaceReadinessGate?: boolean;
}

/**
 * A pod for one instance, as CloneSet creates it: `<workload>-<id>`, the template's metadata and spec, the
 * revision labels, the instance-id label, lifecycle PreparingNormal, the InPlaceUpdateReady readiness gate
 * and PVC volumes, owned by the workload.
 */
export function newInstancePod(input: NewInstancePodInput): Pod {
  const template = cloneJson(input.template);
  const lifecycle = lifecycleStateMetadata(input.lifecycleState ?? LifecycleState.PreparingNormal, input.now);
  const spec = template.spec ?? { containers: [] };
  if (input.injectInPlaceReadinessGate !== false)
    spec.readinessGates = withInPlaceReadinessGate(spec.readinessGates);
  if (input.claims !== undefined && input.claims.size > 0)
    spec.volumes = volumesWithClaims(spec.volumes, input.claims);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: instancePodName(input.workloadName, input.instanceId),
      // OpenKruise sets both; the name wins, and tools that group pods by generateName see <workload>-.
      generateName: `${input.workloadName}-`,
      namespace: input.namespace,
      labels: {
        ...(template.metadata?.labels ?? {}),
        ...revisionLabels(input.revision, input.useShortHash === true),
        [CLONESET_INSTANCE_ID_LABEL]: input.instanceId,
        ...lifecycle.labels,
      },
      annotations: { ...(template.metadata?.annotations ?? {}), ...lifecycle.annotations },
      ...(template.metadata?.finalizers !== undefined ? { finalizers: template.metadata.finalizers } : {}),
      ownerReferences: [input.owner],
    },
    spec,
  };
}

/**
 * Labels and annotations to write with an in-place update (pass to updatePodInPlaceByPatch): the new revision
 * labels and lifecycle state Updating.
 */
export function inPlaceUpdateMetadata(
  revision: string,
  now: number,
  useShortHash = false,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const lifecycle = lifecycleStateMetadata(LifecycleState.Updating, now);
  return {
    labels: { ...revisionLabels(revision, useShortHash), ...lifecycle.labels },
    annotations: lifecycle.annotations,
  };
}
