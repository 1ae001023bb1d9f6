// status of a SidecarSet from its matched pods (OpenKruise's calculateSidecarSetStatus): a pod counts as ready when
// it is Ready, runs its sidecars' spec images and has no hot upgrade left half-way.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { SidecarSet, SidecarSetStatus } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { isPodUpdated, isSidecarConsistent, type SidecarSetHashes } from "./pod-state.ts";
import { isReadyForSidecarSet } from "./upgrade-plan.ts";

export function computeStatus(
  ss: ReadOnly<SidecarSet>,
  pods: readonly ReadOnly<Pod>[],
  hashes: SidecarSetHashes,
  sidecarContainers: readonly string[],
  extra: Pick<SidecarSetStatus, "latestRevision" | "collisionCount" | "conditions">,
): SidecarSetStatus {
  const name = ss.metadata?.name ?? "";
  let updated = 0;
  let ready = 0;
  let updatedReady = 0;
  for (const p of pods) {
    const u = isPodUpdated(p, name, hashes);
    const r = isReadyForSidecarSet(p, ss) && isSidecarConsistent(p, sidecarContainers);
    if (u) updated++;
    if (r) ready++;
    if (u && r) updatedReady++;
  }
  return {
    observedGeneration: ss.metadata?.generation ?? 0,
    matchedPods: pods.length,
    updatedPods: updated,
    readyPods: ready,
    updatedReadyPods: updatedReady,
    ...(extra.latestRevision ? { latestRevision: extra.latestRevision } : {}),
    ...(extra.collisionCount ? { collisionCount: extra.collisionCount } : {}),
    ...(extra.conditions?.length ? { conditions: extra.conditions } : {}),
  };
}
