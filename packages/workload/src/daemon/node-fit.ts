import type {
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  PodSpec,
  Taint,
  Toleration,
} from "kubernetes-types/core/v1.js";
import type { NodeFit } from "./placement-plan.ts";

// The three predicates Kubernetes' DaemonSet controller runs itself (nodeName, required node affinity with the
// node selector, NoSchedule/NoExecute taints). Resources and cordoning are left to kube-scheduler: a cordoned node
// is tolerated by the daemon default tolerations, and a daemon pod that does not fit stays Pending, as upstream.

function requirementMatches(req: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0] ?? "", 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return req.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term matches no node (Kubernetes' nodeaffinity).
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return (
    exprs.every((r) => requirementMatches(r, Object.hasOwn(labels, r.key) ? labels[r.key] : undefined)) &&
    fields.every((r) => r.key === "metadata.name" && requirementMatches(r, node.metadata?.name))
  );
}

/** The pod's nodeSelector and required node affinity both accept the node. */
export function nodeMatchesPodAffinity(spec: PodSpec, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(spec.nodeSelector ?? {})) if (labels[key] !== value) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** Kubernetes' ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== "" && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== "" && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  if ((t.key ?? "") === "" && t.operator !== "Exists") return false;
  return (t.value ?? "") === (taint.value ?? "");
}

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
  if (!nodeMatchesPodAffinity(spec, node)) return no;
  const tolerations = spec.tolerations ?? [];
  if (untolerated(node, tolerations, ["NoSchedule", "NoExecute"]) === undefined)
    return { name, shouldRun: true, shouldContinueRunning: true };
  return {
    name,
    shouldRun: false,
    shouldContinueRunning: untolerated(node, tolerations, ["NoExecute"]) === undefined,
  };
}
