import type { Affinity, Pod, PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1.js";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  DEPRECATED_TEMPLATE_GENERATION_ANNOTATION,
  IN_PLACE_UPDATE_READY,
  POD_TEMPLATE_GENERATION_LABEL,
} from "@kruise/api";
import { cloneJson } from "../util/json.ts";

/** The field a daemon pod's node affinity pins: the Node's name. */
export const NODE_NAME_FIELD = "metadata.name";

const toleration = (key: string, effect: "NoExecute" | "NoSchedule"): Toleration => ({
  key,
  operator: "Exists",
  effect,
});

/**
 * The tolerations Kubernetes gives every daemon pod, so that a daemon keeps running (or can start) on a node
 * that is not ready, unreachable, under disk/memory/PID pressure or cordoned; plus network-unavailable for
 * host-network pods, which are what brings a node's network up.
 */
export function daemonDefaultTolerations(hostNetwork: boolean): Toleration[] {
  return [
    toleration("node.kubernetes.io/not-ready", "NoExecute"),
    toleration("node.kubernetes.io/unreachable", "NoExecute"),
    toleration("node.kubernetes.io/disk-pressure", "NoSchedule"),
    toleration("node.kubernetes.io/memory-pressure", "NoSchedule"),
    toleration("node.kubernetes.io/pid-pressure", "NoSchedule"),
    toleration("node.kubernetes.io/unschedulable", "NoSchedule"),
    ...(hostNetwork ? [toleration("node.kubernetes.io/network-unavailable", "NoSchedule")] : []),
  ];
}

/** `spec` with the daemon default tolerations added; one the template already has (same key, operator, effect) is replaced. */
export function withDaemonTolerations(spec: PodSpec): PodSpec {
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of daemonDefaultTolerations(spec.hostNetwork === true)) {
    const same = tolerations.findIndex(
      (have) =>
        have.key === t.key && (have.operator ?? "Equal") === t.operator && (have.effect ?? "") === t.effect,
    );
    if (same >= 0) tolerations[same] = t;
    else tolerations.push(t);
  }
  return { ...spec, tolerations };
}

/**
 * The pod's affinity with its required node terms replaced by one term that matches exactly `nodeName`
 * (`matchFields metadata.name In [node]`), so that kube-scheduler binds it there. The controller has already
 * checked the template's own node affinity against that node, as Kubernetes' DaemonSet controller does.
 */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: NODE_NAME_FIELD, operator: "In", values: [nodeName] }] };
  const nodeAffinity = affinity?.nodeAffinity ?? {};
  return {
    ...(affinity ?? {}),
    nodeAffinity: {
      ...nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: {
        ...(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}),
        nodeSelectorTerms: [term],
      },
    },
  };
}

/**
 * The node a daemon pod is for: `spec.nodeName` once bound, else the single node its affinity pins
 * (Kubernetes' GetTargetNodeName). `undefined` for a pod that names no single node; the controller leaves it alone.
 */
export function daemonPodTargetNode(pod: Pod): string | undefined {
  const bound = pod.spec?.nodeName;
  if (bound !== undefined && bound !== "") return bound;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms?.length !== 1) return undefined;
  const fields = terms[0]?.matchFields ?? [];
  if (fields.length !== 1) return undefined;
  const req = fields[0];
  if (req?.key !== NODE_NAME_FIELD || req.operator !== "In" || req.values?.length !== 1) return undefined;
  return req.values[0];
}

/** The DaemonSet's template generation from Kubernetes' annotation; `undefined` when absent or not a number. */
export function daemonTemplateGeneration(
  annotations: Readonly<Record<string, string>> | undefined,
): string | undefined {
  const value = annotations?.[DEPRECATED_TEMPLATE_GENERATION_ANNOTATION];
  return value !== undefined && /^-?\d+$/.test(value) ? value : undefined;
}

/**
 * Whether a pod runs the current template: its `controller-revision-hash` is `hash`, or (pods of Kubernetes'
 * older DaemonSets) its `pod-template-generation` equals the DaemonSet's template generation annotation.
 */
export function isDaemonPodUpdated(pod: Pod, hash: string, templateGeneration: string | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  if (hash !== "" && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) return true;
  return templateGeneration !== undefined && labels[POD_TEMPLATE_GENERATION_LABEL] === templateGeneration;
}

export interface DaemonPodTemplateInput {
  readonly template: PodTemplateSpec;
  readonly hash: string;
  /** Written as `pod-template-generation`: the annotation's value, else the DaemonSet's metadata.generation. */
  readonly templateGeneration: string | undefined;
  /** InPlaceIfPossible: the pod gets the InPlaceUpdateReady readiness gate. */
  readonly inPlaceReadinessGate: boolean;
}

/**
 * The template every daemon pod of one revision is created from: revision labels, the daemon default
 * tolerations, and the InPlaceUpdateReady gate for in-place rollouts. Pin it to a node with `pinToNode`.
 */
export function daemonPodTemplate(input: DaemonPodTemplateInput): PodTemplateSpec {
  const template = cloneJson(input.template);
  const metadata = template.metadata ?? {};
  metadata.labels = {
    ...(metadata.labels ?? {}),
    ...(input.templateGeneration !== undefined
      ? { [POD_TEMPLATE_GENERATION_LABEL]: input.templateGeneration }
      : {}),
    [CONTROLLER_REVISION_HASH_LABEL]: input.hash,
  };
  let spec = withDaemonTolerations(template.spec ?? { containers: [] });
  if (
    input.inPlaceReadinessGate &&
    !(spec.readinessGates ?? []).some((g) => g.conditionType === IN_PLACE_UPDATE_READY)
  ) {
    spec = {
      ...spec,
      readinessGates: [...(spec.readinessGates ?? []), { conditionType: IN_PLACE_UPDATE_READY }],
    };
  }
  return { metadata, spec };
}
