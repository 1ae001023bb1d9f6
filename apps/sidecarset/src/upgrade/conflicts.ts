// The cross-object check OpenKruise's SidecarSet webhook makes at admission, made here by the controller: another
// SidecarSet that can select the same pods must not inject a container of the same name.
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { SidecarSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { effectiveNamespaceSelector } from "../injection/matching.ts";

/**
 * Selectors may overlap unless a key both pin with matchLabels has different values (OpenKruise's test, which
 * looks at matchLabels only: overlapping matchExpressions count as overlapping).
 */
function mayOverlap(a: LabelSelector | undefined, b: LabelSelector | undefined): boolean {
  const la = a?.matchLabels ?? {};
  const lb = b?.matchLabels ?? {};
  return Object.keys(la).every((k) => !(k in lb) || lb[k] === la[k]);
}

/**
 * The message of the first conflict of `ss` with an older SidecarSet (the older one keeps injecting; creation time,
 * then name, decides), or undefined.
 */
export function findConflict(
  ss: ReadOnly<SidecarSet>,
  all: readonly ReadOnly<SidecarSet>[],
): string | undefined {
  const key = (s: ReadOnly<SidecarSet>) => `${s.metadata?.creationTimestamp ?? ""}/${s.metadata?.name ?? ""}`;
  const names = new Set(
    [...(ss.spec?.containers ?? []), ...(ss.spec?.initContainers ?? [])].map((c) => c.name),
  );
  for (const other of all) {
    if (other.metadata?.name === ss.metadata?.name || key(other) > key(ss)) continue;
    if (!mayOverlap(effectiveNamespaceSelector(ss), effectiveNamespaceSelector(other))) continue;
    if (!mayOverlap(ss.spec?.selector as LabelSelector, other.spec?.selector as LabelSelector)) continue;
    const clash = [...(other.spec?.containers ?? []), ...(other.spec?.initContainers ?? [])].find((c) =>
      names.has(c.name),
    );
    if (clash)
      return `container "${clash.name}" is also injected by SidecarSet "${other.metadata?.name}", whose selector may select the same pods; pods selected by both are refused at creation`;
  }
  return undefined;
}
