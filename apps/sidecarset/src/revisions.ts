// SidecarSet revisions: one ControllerRevision per distinct injected spec, in the controller's namespace (OpenKruise
// keeps them in kruise-system), labelled with the SidecarSet's name and its custom version.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import {
  SIDECARSET_CUSTOM_VERSION_LABEL,
  SIDECARSET_NAME_LABEL,
  type SidecarSet,
  type SidecarSetSpec,
} from "@kruise/api";
import { ControllerRevisionKind, type Cache, type ReadOnly } from "@kruise/sdk";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { newControllerRevision, selectorMatches, type HistoryTruncation } from "@kruise/workload";

/** The spec parts a revision records: what injection writes into a pod. */
export type InjectedSpec = Pick<
  SidecarSetSpec,
  "containers" | "initContainers" | "volumes" | "imagePullSecrets" | "patchPodMetadata"
>;

export function injectedSpec(ss: ReadOnly<SidecarSet>): InjectedSpec {
  const s = ss.spec;
  const out: Record<string, unknown> = {};
  for (const k of [
    "containers",
    "initContainers",
    "volumes",
    "imagePullSecrets",
    "patchPodMetadata",
  ] as const)
    if (s?.[k] !== undefined) out[k] = structuredClone(s[k]);
  return out;
}

export function customVersionOf(ss: ReadOnly<SidecarSet>): string | undefined {
  return ss.spec?.customVersion ?? ss.metadata?.labels?.[SIDECARSET_CUSTOM_VERSION_LABEL];
}

/** The revision the SidecarSet's current spec is recorded as (not yet created). */
export function desiredRevision(
  ss: ReadOnly<SidecarSet>,
  namespace: string,
  revisionNumber: number,
): ControllerRevision {
  const custom = customVersionOf(ss);
  return newControllerRevision({
    owner: {
      apiVersion: "apps.kruise.io/v1alpha1",
      kind: "SidecarSet",
      name: ss.metadata?.name ?? "",
      namespace,
      uid: ss.metadata?.uid ?? "",
    },
    data: { spec: injectedSpec(ss) },
    revision: revisionNumber,
    collisionCount: ss.status?.collisionCount ?? 0,
    labels: {
      [SIDECARSET_NAME_LABEL]: ss.metadata?.name ?? "",
      ...(custom ? { [SIDECARSET_CUSTOM_VERSION_LABEL]: custom } : {}),
    },
  });
}

export function revisionsOf(cache: Cache, namespace: string, name: string): ReadOnly<ControllerRevision>[] {
  return cache.list(ControllerRevisionKind, { namespace, labels: { [SIDECARSET_NAME_LABEL]: name } });
}

/** injectionStrategy.revision: the revision named, or the newest with the custom version; a string says what is missing. */
export function pinnedRevision(
  ss: ReadOnly<SidecarSet>,
  revisions: readonly ReadOnly<ControllerRevision>[],
): ReadOnly<ControllerRevision> | string | undefined {
  const pin = ss.spec?.injectionStrategy?.revision;
  if (!pin || (!pin.revisionName && !pin.customVersion)) return undefined;
  const found = pin.revisionName
    ? revisions.find((r) => r.metadata?.name === pin.revisionName)
    : [...revisions]
        .filter((r) => r.metadata?.labels?.[SIDECARSET_CUSTOM_VERSION_LABEL] === pin.customVersion)
        .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
  if (found) return found;
  const what = pin.revisionName
    ? `ControllerRevision ${pin.revisionName}`
    : `a revision with custom version ${pin.customVersion}`;
  return `SidecarSet ${ss.metadata?.name} pins injectionStrategy.revision to ${what}, which does not exist; fix it: kubectl edit sidecarset ${ss.metadata?.name}`;
}

/**
 * OpenKruise's truncateHistory: the limit counts every revision and is at least 1; the excess goes from the oldest
 * revisions that are not the latest, one a pod records (`podRevisions`) or the one injectionStrategy.revision pins.
 */
export function sidecarSetHistory(
  ss: ReadOnly<SidecarSet>,
  revisions: readonly ReadOnly<ControllerRevision>[],
  latest: string,
  podRevisions: ReadonlySet<string>,
): HistoryTruncation<ReadOnly<ControllerRevision>> {
  const pinned = pinnedRevision(ss, revisions);
  const keep = new Set([latest, ...podRevisions]);
  if (pinned && typeof pinned !== "string") keep.add(pinned.metadata?.name ?? "");
  return {
    history: revisions,
    inUse: (revision) => keep.has(revision.metadata?.name ?? ""),
    revisionHistoryLimit: ss.spec?.revisionHistoryLimit,
    rule: "all",
    minimumLimit: 1,
  };
}

/**
 * The revision to inject into a new pod (OpenKruise's getSuitableRevisionSidecarSet at CREATE); undefined means the
 * current spec, a string is a refusal (the pinned revision is missing).
 * - no injectionStrategy.revision: the current spec;
 * - updateStrategy.paused, or policy Always (the default): the pinned revision;
 * - policy Partial: the pinned revision for a pod updateStrategy.selector does not select; any other pod gets the
 *   pinned revision with the probability of a percentage partition (an integer or no partition: the current spec).
 */
export function injectionRevisionFor(
  ss: ReadOnly<SidecarSet>,
  revisions: readonly ReadOnly<ControllerRevision>[],
  podLabels: Readonly<Record<string, string>> | undefined,
  random: () => number = Math.random,
): ReadOnly<ControllerRevision> | string | undefined {
  const pinned = pinnedRevision(ss, revisions);
  if (pinned === undefined || typeof pinned === "string") return pinned;
  const strategy = ss.spec?.updateStrategy;
  if (strategy?.paused || ss.spec?.injectionStrategy?.revision?.policy !== "Partial") return pinned;
  if (strategy?.selector && !selectorMatches(strategy.selector as LabelSelector, podLabels)) return pinned;
  const partition = strategy?.partition;
  if (typeof partition !== "string") return undefined;
  const percent = Number(partition.replace(/%$/, ""));
  return Number.isFinite(percent) && random() <= percent / 100 ? pinned : undefined;
}
