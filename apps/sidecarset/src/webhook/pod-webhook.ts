import { isPodActive } from "@kruise/workload";
// The pod mutating webhook: at CREATE, inject every SidecarSet that selects the pod, from the informer cache.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { SidecarSet } from "@kruise/api";
import { allow, deny, patched, type MutatingHandler, type ReadOnly } from "@kruise/sdk";
import { injectSidecars, type InjectionSource } from "../injection/inject.ts";
import { sidecarSetSelectsPod } from "../injection/matching.ts";
import { injectionPatch } from "../injection/patch.ts";

export const POD_WEBHOOK_PATH = "/mutate-pod";

export interface PodWebhookDeps {
  sidecarSets(): readonly ReadOnly<SidecarSet>[];
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  /** What to inject for a SidecarSet into this pod (its spec, or the revision injectionStrategy.revision picks); a string is a refusal. */
  sourceFor(ss: ReadOnly<SidecarSet>, pod: ReadOnly<Pod>): InjectionSource | string;
  /** Namespaces never injected (system namespaces and the controller's own). */
  excludedNamespaces: ReadonlySet<string>;
  now(): string;
  /** Called after an injection was allowed (bus event). */
  onInjected?(namespace: string, pod: ReadOnly<Pod>, sidecarSets: string[]): void;
}

/**
 * Injects at pod CREATE. Several webhook entries (one per SidecarSet) may call it for the same pod: the first call
 * injects every SidecarSet that selects the pod, later calls find them in the injected list and change nothing.
 */
export function podWebhook(deps: PodWebhookDeps): MutatingHandler<Pod> {
  return (req) => {
    if (req.operation !== "CREATE" || req.subResource || !req.object) return allow();
    const namespace = req.namespace ?? req.object.metadata?.namespace ?? "";
    if (deps.excludedNamespaces.has(namespace)) return allow();
    const pod: Pod = { ...req.object, metadata: { ...req.object.metadata, namespace } };
    if (!isPodActive(pod)) return allow();
    const nsLabels = deps.namespaceLabels(namespace);
    const selecting = deps
      .sidecarSets()
      .filter((ss) => !ss.spec?.injectionStrategy?.paused && sidecarSetSelectsPod(ss, pod, nsLabels))
      .sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
    if (selecting.length === 0) return allow();
    const sources: InjectionSource[] = [];
    for (const ss of selecting) {
      const source = deps.sourceFor(ss, pod);
      if (typeof source === "string") return deny(source);
      sources.push(source);
    }
    const result = injectSidecars(pod, sources, deps.now());
    if (result.kind === "unchanged") return allow();
    if (result.kind === "conflict" || result.kind === "refused") return deny(result.message);
    deps.onInjected?.(namespace, result.pod, result.injected);
    return patched(injectionPatch(pod, result.pod));
  };
}
