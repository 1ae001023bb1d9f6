// Which matched pods get the new sidecar images now: updateStrategy's type, paused, selector, partition, priority,
// scatter and maxUnavailable, as OpenKruise's SidecarSet strategy decides.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { SidecarSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { orderPodsForUpdate, partitionReplicas, scaleIntOrString, selectorMatches } from "@kruise/workload";
import { isHotUpgradeResettable, isHotUpgrading } from "./hot-upgrade.ts";
import {
  isPodReady,
  isPodUpdated,
  isPodUpgradable,
  isSidecarConsistent,
  type SidecarSetHashes,
} from "./pod-state.ts";

export interface UpgradePlan {
  /** Pods half-way through a hot upgrade whose new working twin is up: reset the old twin now (no budget). */
  resetHotUpgrade: ReadOnly<Pod>[];
  /** Pods to upgrade in place now, in order. */
  upgrade: ReadOnly<Pod>[];
  /** Pods whose sidecars changed in more than images: they get the new sidecars only when recreated. */
  notUpgradable: ReadOnly<Pod>[];
}

/** Ready as the SidecarSet counts it (OpenKruise's IsPodReady): Ready, and no hot upgrade left half-way. */
export function isReadyForSidecarSet(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): boolean {
  return isPodReady(pod) && !isHotUpgrading(pod, ss);
}

/**
 * - NotUpdate or paused: nothing (not even the reset of a hot upgrade's old twin).
 * - Candidates: not updated, upgradable, matching updateStrategy.selector.
 * - partition keeps that many matched pods on the old sidecars: at most `matched - partition` pods updated in all.
 * - maxUnavailable (default 1, percentages of the matched pods rounded down, at least 1): updated pods not yet ready
 *   or consistent (a hot upgrade not reset yet is not ready) use the budget; a candidate that is already not ready
 *   is upgraded without using it.
 */
export function planUpgrade(
  ss: ReadOnly<SidecarSet>,
  pods: readonly ReadOnly<Pod>[],
  hashes: SidecarSetHashes,
  sidecarContainers: readonly string[],
): UpgradePlan {
  const name = ss.metadata?.name ?? "";
  const strategy = ss.spec?.updateStrategy;
  const notUpgradable = pods.filter(
    (p) => !isPodUpdated(p, name, hashes) && !isPodUpgradable(p, name, hashes),
  );
  const updated = pods.filter((p) => isPodUpdated(p, name, hashes));
  if (strategy?.type === "NotUpdate" || strategy?.paused)
    return { upgrade: [], notUpgradable, resetHotUpgrade: [] };
  const resetHotUpgrade = pods.filter((p) => isHotUpgradeResettable(p, ss, sidecarContainers));
  const candidates = pods.filter(
    (p) =>
      !isPodUpdated(p, name, hashes) &&
      isPodUpgradable(p, name, hashes) &&
      (!strategy?.selector || selectorMatches(strategy.selector as LabelSelector, p.metadata?.labels)),
  );
  const total = pods.length;
  const partition = partitionReplicas(strategy?.partition, total, "updateStrategy.partition");
  let allowed = Math.max(0, total - partition - updated.length);
  const maxUnavailable = Math.max(
    1,
    scaleIntOrString(strategy?.maxUnavailable ?? 1, total, false, "updateStrategy.maxUnavailable"),
  );
  const upgrading = updated.filter(
    (p) => !isReadyForSidecarSet(p, ss) || !isSidecarConsistent(p, sidecarContainers),
  ).length;
  let budget = maxUnavailable - upgrading;
  const ordered = orderPodsForUpdate(candidates as Pod[], pods as Pod[], {
    ...(strategy?.priorityStrategy ? { priorityStrategy: strategy.priorityStrategy as never } : {}),
    ...(strategy?.scatterStrategy ? { scatterStrategy: strategy.scatterStrategy } : {}),
  });
  const upgrade: ReadOnly<Pod>[] = [];
  for (const pod of ordered) {
    if (allowed <= 0) break;
    if (isReadyForSidecarSet(pod, ss)) {
      if (budget <= 0) continue;
      budget--;
    }
    upgrade.push(pod);
    allowed--;
  }
  return { upgrade, notUpgradable, resetHotUpgrade };
}
