import type { Node, PodSpec, Taint, Toleration } from "kubernetes-types/core/v1.js";
import { podMatchesNodeSelectorAndAffinity } from "../scheduling/node-selector.ts";
import { toleratesTaint } from "../scheduling/taints.ts";
import type { NodeFit } from "./placement-plan.ts";

// The three predicates Kubernetes' DaemonSet controller runs itself (nodeName, required node affinity with the
// node selector, NoSchedule/NoExecute taints), from @kruise/workload's scheduling/ (shared with BroadcastJob).
// Resources and cordoning are left to kube-scheduler: a cordoned node is tolerated by the daemon default
// tolerations, and a daemon pod that does not fit stays Pending, as upstream.

function untolerated(
  node: Node,
  tolerations: readonly Toleration[],
  effects: readonly string[],
): Taint | undefined {
  return (node.spec?.taints ?? []).find(
    (taint) => effects.includes(taint.effect) && !tolerations.some((t) => toleratesTaint(t, taint)),
  );
}

/**
 * Kubernetes' nodeShouldRunDaemonPod for a pod spec that already carries the daemon default tolerations
 * (daemonPodTemplate): whether a pod should be created on `node`, and whether one already there may stay (it
 * tolerates the node's NoExecute taints, even if a NoSchedule one would keep a new pod off).
 */
export function daemonNodeFit(spec: PodSpec, node: Node): NodeFit {
  const name = node.metadata?.name ?? "";
  const no = { name, shouldRun: false, shouldContinueRunning: false };
  if ((spec.nodeName ?? "") !== "" && spec.nodeName !== name) return no;
  if (!podMatchesNodeSelectorAndAffinity({ spec }, node)) return no;
  const tolerations = spec.tolerations ?? [];
  if (untolerated(node, tolerations, ["NoSchedule", "NoExecute"]) === undefined)
    return { name, shouldRun: true, shouldContinueRunning: true };
  return {
    name,
    shouldRun: false,
    shouldContinueRunning: untolerated(node, tolerations, ["NoExecute"]) === undefined,
  };
}
