// Which NodeImages an ImagePullJob pulls on: by `selector.names`, by `selector` labels (NodeImages carry their
// node's labels), or by `podSelector` (the nodes of the job namespace's active, scheduled matching pods).
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ImagePullJob, NodeImage } from "@kruise/api";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { type ReadOnly, thaw } from "@kruise/sdk";
import { isPodActive, selectorMatches } from "@kruise/workload";

/** Sorted names of the NodeImages the job targets. */
export function jobTargets(
  job: ReadOnly<ImagePullJob>,
  nodeImages: readonly ReadOnly<NodeImage>[],
  podsOfNamespace: () => readonly ReadOnly<Pod>[],
): string[] {
  const existing = new Set(nodeImages.map((n) => n.metadata?.name ?? ""));
  const { selector, podSelector } = job.spec;
  let names: string[];
  if (podSelector !== undefined) {
    const nodes = new Set<string>();
    for (const pod of podsOfNamespace())
      if (
        isPodActive(pod) &&
        pod.spec?.nodeName &&
        selectorMatches(asSelector(podSelector), pod.metadata?.labels)
      )
        nodes.add(pod.spec.nodeName);
    names = [...nodes].filter((n) => existing.has(n));
  } else if (selector?.names !== undefined && selector.names.length > 0) {
    names = selector.names.filter((n) => existing.has(n));
  } else {
    names = nodeImages
      .filter((n) =>
        selectorMatches(selector === undefined ? undefined : asSelector(selector), n.metadata?.labels),
      )
      .map((n) => n.metadata?.name ?? "");
  }
  return [...new Set(names)].sort();
}

function asSelector(selector: ReadOnly<LabelSelector>): LabelSelector {
  return thaw<LabelSelector>(selector);
}
