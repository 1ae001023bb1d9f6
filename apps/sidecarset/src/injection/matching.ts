// Which pods a SidecarSet selects: its selector, and its namespace (v1alpha1 `namespace`) and namespaceSelector.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { SidecarSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { selectorMatches } from "@kruise/workload";

/** The label every namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/**
 * One namespace selector from `namespace` and `namespaceSelector`: OpenKruise's conversion turns `namespace: X`
 * into a match on the namespace's name label, and both must hold when both are set. Undefined: every namespace.
 */
export function effectiveNamespaceSelector(ss: ReadOnly<SidecarSet>): LabelSelector | undefined {
  const ns = ss.spec?.namespace;
  const sel = ss.spec?.namespaceSelector as LabelSelector | undefined;
  if (!ns) return sel;
  return {
    matchLabels: { ...sel?.matchLabels, [NAMESPACE_NAME_LABEL]: ns },
    ...(sel?.matchExpressions ? { matchExpressions: sel.matchExpressions } : {}),
  };
}

/**
 * Whether the SidecarSet selects the pod. `namespaceLabels` are the labels of the pod's namespace (with the name
 * label, which the API server always sets).
 */
export function sidecarSetSelectsPod(
  ss: ReadOnly<SidecarSet>,
  pod: ReadOnly<Pod>,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
): boolean {
  const nsName = pod.metadata?.namespace ?? "";
  const nsSel = effectiveNamespaceSelector(ss);
  if (nsSel && !selectorMatches(nsSel, { [NAMESPACE_NAME_LABEL]: nsName, ...namespaceLabels })) return false;
  return selectorMatches(ss.spec?.selector as LabelSelector, pod.metadata?.labels);
}
