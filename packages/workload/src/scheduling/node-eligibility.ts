import type { Node, Pod, PodSpec } from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";
import { podMatchesNodeSelectorAndAffinity } from "./node-selector.ts";
import { parseQuantity } from "./quantity.ts";
import { firstUntoleratedTaint, toleratesTaint, UNSCHEDULABLE_TAINT } from "./taints.ts";

/** Why a node cannot run the job's pod, or undefined when it can. */
export type Ineligibility =
  | { reason: "NodeName"; message: string }
  | { reason: "NodeAffinity"; message: string }
  | { reason: "Taint"; message: string }
  | { reason: "Unschedulable"; message: string }
  | { reason: "InsufficientResources"; message: string };

/**
 * Whether `pod` may run on `node`, by the predicates OpenKruise's BroadcastJob and DaemonSet controllers run themselves: nodeName,
 * nodeSelector + required node affinity (labels and matchFields), NoSchedule/NoExecute taints against tolerations,
 * spec.unschedulable (tolerated by tolerating the unschedulable taint), and the scheduler's resource fit
 * (noderesources.Fits on a node with no pods counted, as in OpenKruise): room for one pod by `allocatable.pods` (a
 * node that reports none has room for none), and the pod's requests plus its `overhead` within allocatable.
 */
export function checkNodeEligibility(pod: ReadOnly<Pod>, node: ReadOnly<Node>): Ineligibility | undefined {
  const nodeName = node.metadata?.name ?? "";
  if (pod.spec?.nodeName && pod.spec.nodeName !== nodeName) {
    return { reason: "NodeName", message: `the pod asks for node ${pod.spec.nodeName}` };
  }
  if (!podMatchesNodeSelectorAndAffinity(pod, node)) {
    return { reason: "NodeAffinity", message: "node(s) didn't match Pod's node affinity/selector" };
  }
  const taint = firstUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations);
  if (taint) {
    return {
      reason: "Taint",
      message: `node(s) had taint {${taint.key}: ${taint.value ?? ""}}, that the pod didn't tolerate`,
    };
  }
  if (
    node.spec?.unschedulable &&
    !(pod.spec?.tolerations ?? []).some((t) => toleratesTaint(t, UNSCHEDULABLE_TAINT))
  ) {
    return { reason: "Unschedulable", message: "node(s) were unschedulable" };
  }
  const short = insufficientResources(pod.spec, node);
  if (short.length > 0)
    return { reason: "InsufficientResources", message: short.map((r) => `Insufficient ${r}`).join(", ") };
  return undefined;
}

/** Resource names whose request exceeds what the node can allocate. */
function insufficientResources(spec: ReadOnly<PodSpec> | undefined, node: ReadOnly<Node>): string[] {
  const allocatable = node.status?.allocatable ?? {};
  const requests = podRequests(spec);
  const short: string[] = [];
  for (const [name, wanted] of requests) {
    if (wanted <= 0) continue;
    const available = parseQuantity(allocatable[name]) ?? 0;
    if (wanted > available) short.push(name);
  }
  if ((parseQuantity(allocatable["pods"]) ?? 0) < 1) short.push("pods");
  return short;
}

/**
 * Effective requests: the sum over app containers, or the largest init container's if that is bigger, plus the
 * RuntimeClass overhead the API server copied into `spec.overhead` (PodOverhead is GA).
 */
function podRequests(spec: ReadOnly<PodSpec> | undefined): Map<string, number> {
  const total = new Map<string, number>();
  for (const c of spec?.containers ?? []) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {}))
      total.set(name, (total.get(name) ?? 0) + (parseQuantity(q) ?? 0));
  }
  for (const c of spec?.initContainers ?? []) {
    for (const [name, q] of Object.entries(c.resources?.requests ?? {})) {
      const v = parseQuantity(q) ?? 0;
      if (v > (total.get(name) ?? 0)) total.set(name, v);
    }
  }
  for (const [name, q] of Object.entries(spec?.overhead ?? {}))
    total.set(name, (total.get(name) ?? 0) + (parseQuantity(q) ?? 0));
  return total;
}
