import type {
  Node,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
} from "kubernetes-types/core/v1.js";
import type { ReadOnly } from "@kruise/sdk";
import { setRequirementMatches } from "../util/label-selector.ts";

/**
 * The scheduler's node-matching rules, as kube-scheduler's NodeAffinity plugin applies them: a pod's
 * nodeSelector (every pair must match) AND its required node affinity (any term matches; within a term, every
 * matchExpressions requirement on labels and every matchFields requirement on fields must match).
 */
export function podMatchesNodeSelectorAndAffinity(pod: ReadOnly<Pod>, node: ReadOnly<Node>): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return required === undefined || nodeSelectorMatches(required, node);
}

/** A NodeSelector matches when any of its terms does. A selector with no terms matches nothing, as in Kubernetes. */
export function nodeSelectorMatches(selector: ReadOnly<NodeSelector>, node: ReadOnly<Node>): boolean {
  return selector.nodeSelectorTerms.some((term) => termMatches(term, node));
}

function termMatches(term: ReadOnly<NodeSelectorTerm>, node: ReadOnly<Node>): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects no node (k8s.io/component-helpers nodeaffinity).
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  if (!expressions.every((r) => requirementMatches(r, labels))) return false;
  // The only field Kubernetes supports in matchFields is metadata.name.
  const nodeFields: Record<string, string> = { "metadata.name": node.metadata?.name ?? "" };
  return fields.every((r) => r.key === "metadata.name" && requirementMatches(r, nodeFields));
}

/** One requirement against a label (or field) map, with the six NodeSelectorOperators: the four set-based ones as for a LabelSelector, plus Gt and Lt. */
export function requirementMatches(
  req: ReadOnly<NodeSelectorRequirement>,
  values: Readonly<Record<string, string>>,
): boolean {
  const setBased = setRequirementMatches(req, values);
  if (setBased !== undefined) return setBased;
  if (req.operator !== "Gt" && req.operator !== "Lt") return false;
  const listed = req.values ?? [];
  const value = values[req.key];
  if (value === undefined || listed.length !== 1) return false;
  const actual = parseWholeNumber(value);
  const bound = parseWholeNumber(listed[0] ?? "");
  if (actual === undefined || bound === undefined) return false;
  return req.operator === "Gt" ? actual > bound : actual < bound;
}

function parseWholeNumber(s: string): number | undefined {
  return /^-?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
}
