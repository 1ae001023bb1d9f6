// The in-place upgrade of one pod's sidecars: new images on the cold-upgrade sidecar containers (and step 1 of a hot
// upgrade: the idle twin gets the new image), the SidecarSet's
// hash annotations refreshed, the old image IDs recorded, patchPodMetadata applied again. One strategic-merge patch.
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  SIDECARSET_HASH_ANNOTATION,
  SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION,
  SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION,
  type SidecarSet,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { readHashAnnotation } from "../injection/pod-annotations.ts";
import { applyPodMetadataPatches } from "../injection/pod-metadata-patch.ts";
import { hotUpgradeStep } from "./hot-upgrade.ts";
import type { SidecarSetHashes } from "./pod-state.ts";

/** Cold-upgrade sidecar containers of the SidecarSet (hot-upgrade ones go through hot-upgrade.ts). */
export function coldSidecars(ss: ReadOnly<SidecarSet>): string[] {
  return (ss.spec?.containers ?? [])
    .filter((c) => c.upgradeStrategy?.upgradeType !== "HotUpgrade")
    .map((c) => c.name);
}

/** The strategic-merge patch that upgrades `pod` to the SidecarSet's current images; undefined if nothing to do. */
export function upgradePatch(
  pod: ReadOnly<Pod>,
  ss: ReadOnly<SidecarSet>,
  hashes: SidecarSetHashes,
  now: string,
): Record<string, unknown> {
  const name = ss.metadata?.name ?? "";
  const containers: Array<{ name: string; image: string }> = [];
  const lastStatuses: Record<string, { imageID: string }> = {};
  for (const c of ss.spec?.containers ?? []) {
    if (c.upgradeStrategy?.upgradeType === "HotUpgrade" || !c.image) continue;
    const inPod = pod.spec?.containers.find((p) => p.name === c.name);
    if (!inPod) continue;
    if (inPod.image !== c.image) containers.push({ name: c.name, image: c.image });
    const st = pod.status?.containerStatuses?.find((s) => s.name === c.name);
    lastStatuses[c.name] = { imageID: st?.imageID ?? "" };
  }
  const hashesNow = readHashAnnotation(pod, SIDECARSET_HASH_ANNOTATION);
  const withoutNow = readHashAnnotation(pod, SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION);
  const entry = (hash: string, prev?: { sidecarList?: string[] }) => ({
    updateTimestamp: now,
    hash,
    sidecarSetName: name,
    sidecarList: prev?.sidecarList ?? (ss.spec?.containers ?? []).map((c) => c.name).sort(),
  });
  hashesNow[name] = entry(hashes.hash, hashesNow[name]);
  withoutNow[name] = entry(hashes.withoutImage, withoutNow[name]);
  let state: Record<string, unknown> = {};
  try {
    state = JSON.parse(
      pod.metadata?.annotations?.[SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION] ?? "{}",
    ) as Record<string, unknown>;
  } catch {
    state = {};
  }
  state[name] = { revision: hashes.hash, updateTimestamp: now, lastContainerStatuses: lastStatuses };
  const base = { ...pod.metadata?.annotations };
  const annotations = applyPodMetadataPatches(base, ss.spec?.patchPodMetadata);
  const changed: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (base[k] !== v) changed[k] = v;
  changed[SIDECARSET_HASH_ANNOTATION] = JSON.stringify(hashesNow);
  changed[SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION] = JSON.stringify(withoutNow);
  changed[SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION] = JSON.stringify(state);
  const hot = hotUpgradeStep(pod, ss, true);
  if (hot) {
    containers.push(...hot.containers);
    Object.assign(changed, hot.annotations);
  }
  return {
    metadata: { annotations: changed },
    ...(containers.length > 0 ? { spec: { containers } } : {}),
  };
}
