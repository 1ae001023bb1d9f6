// Which matched pods get the new sidecar images now: updateStrategy's type, paused, selector, partition, priority,
// scatter and maxUnavailable, as OpenKruise's SidecarSet strategy decides.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import type { SidecarSet } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { orderPodsForUpdate, partitionReplicas, scaleIntOrString, selectorMatches } from "@kruise/workload";
import { isHotUpgrading } from "./hot-upgrade.ts";
import {
  isPodReady,
  isPodUpdated,
  isPodUpgradable,
  isSidecarConsistent,
  type SidecarSetHashes,
} from "./pod-state.ts";

export interface UpgradePlan {
  /** Updated pods half-way through a hot upgrade whose new twin may be ready: try the swap (no budget). */
  finishHotUpgrade: ReadOnly<Pod>[];
  /** Pods to upgrade in place now, in order. */
  upgrade: ReadOnly<Pod>[];
  /** Pods whose sidecars changed in more than images: they get the new sidecars only when recreated. */
  notUpgradable: ReadOnly<Pod>[];
}

/**
 * - NotUpdate or paused: nothing.
 * - Candidates: not updated, upgradable, matching updateStrategy.selector.
 * - partition keeps that many matched pods on the old sidecars: at most `matched - partition` pods updated in all.
 * - maxUnavailable (default 1, percentages of the matched pods rounded down, at least 1): updated pods not yet ready
 *   or consistent use the budget; a candidate that is already not ready is upgraded without using it.
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
  const finishHotUpgrade = updated.filter((p) => isHotUpgrading(p, ss));
  if (strategy?.type === "NotUpdate" || strategy?.paused)
    return { upgrade: [], notUpgradable, finishHotUpgrade };
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
    (p) => !isPodReady(p) || !isSidecarConsistent(p, sidecarContainers),
  ).length;
  let budget = maxUnavailable - upgrading;
  const ordered = orderPodsForUpdate(candidates as Pod[], pods as Pod[], {
    ...(strategy?.priorityStrategy ? { priorityStrategy: strategy.priorityStrategy as never } : {}),
    ...(strategy?.scatterStrategy ? { scatterStrategy: strategy.scatterStrategy } : {}),
  });
  const upgrade: ReadOnly<Pod>[] = [];
  for (const pod of ordered) {
    if (allowed <= 0) break;
    if (isPodReady(pod)) {
      if (budget <= 0) continue;
      budget--;
    }
    upgrade.push(pod);
    allowed--;
  }
  return { upgrade, notUpgradable, finishHotUpgrade };
}
