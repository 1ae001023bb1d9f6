// The in-place upgrade of one pod's sidecars: new images on the cold-upgrade sidecar containers (and step 1 of a hot
// upgrade: a twin takes the new image and becomes the working one), the SidecarSet's hash annotations refreshed, the
// old image IDs recorded, patchPodMetadata applied again. One strategic-merge patch.
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
import { hotUpgradeTwinNames } from "../injection/hot-upgrade.ts";
import { hotUpgradeStart, type HotUpgradeStep } from "./hot-upgrade.ts";
import type { SidecarSetHashes } from "./pod-state.ts";

/** The pod containers of the SidecarSet's sidecars: cold ones by name, both twins of a hot one. */
export function sidecarContainersInPod(ss: ReadOnly<SidecarSet>): string[] {
  return (ss.spec?.containers ?? []).flatMap((c) =>
    c.upgradeStrategy?.upgradeType === "HotUpgrade" ? hotUpgradeTwinNames(c.name) : [c.name],
  );
}

/** kruise.io/sidecarset-inplace-update-state with this SidecarSet's entry: revision and the given image IDs. */
export function inPlaceUpdateState(
  pod: ReadOnly<Pod>,
  name: string,
  revision: string,
  now: string,
  lastStatuses: Record<string, { imageID: string }>,
  keepPrevious = false,
): string {
  let state: Record<string, { lastContainerStatuses?: Record<string, { imageID: string }> }> = {};
  try {
    state = JSON.parse(
      pod.metadata?.annotations?.[SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION] ?? "{}",
    ) as typeof state;
  } catch {
    state = {};
  }
  const previous = keepPrevious ? (state[name]?.lastContainerStatuses ?? {}) : {};
  state[name] = {
    ...(keepPrevious ? state[name] : {}),
    revision,
    updateTimestamp: now,
    lastContainerStatuses: { ...previous, ...lastStatuses },
  } as never;
  return JSON.stringify(state);
}

/** Image IDs the kubelet reports now for `containers`. */
export function currentImageIDs(
  pod: ReadOnly<Pod>,
  containers: readonly string[],
): Record<string, { imageID: string }> {
  const out: Record<string, { imageID: string }> = {};
  for (const c of containers)
    out[c] = { imageID: pod.status?.containerStatuses?.find((s) => s.name === c)?.imageID ?? "" };
  return out;
}

/** The strategic-merge patch that upgrades `pod` to the SidecarSet's current images; undefined if nothing to do. */
export function upgradePatch(
  pod: ReadOnly<Pod>,
  ss: ReadOnly<SidecarSet>,
  hashes: SidecarSetHashes,
  now: string,
  /** The ControllerRevision of the SidecarSet's current spec (default status.latestRevision). */
  latestRevision: string | undefined = ss.status?.latestRevision,
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
  hashesNow[name] = {
    ...entry(hashes.hash, hashesNow[name]),
    ...(latestRevision ? { controllerRevision: latestRevision } : {}),
  };
  withoutNow[name] = entry(hashes.withoutImage, withoutNow[name]);
  const hot: HotUpgradeStep | undefined = hotUpgradeStart(pod, ss);
  if (hot) Object.assign(lastStatuses, currentImageIDs(pod, hot.changed));
  const base = { ...pod.metadata?.annotations };
  const annotations = applyPodMetadataPatches(base, ss.spec?.patchPodMetadata);
  const changed: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) if (base[k] !== v) changed[k] = v;
  changed[SIDECARSET_HASH_ANNOTATION] = JSON.stringify(hashesNow);
  changed[SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION] = JSON.stringify(withoutNow);
  changed[SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION] = inPlaceUpdateState(
    pod,
    name,
    hashes.hash,
    now,
    lastStatuses,
  );
  if (hot) {
    containers.push(...hot.containers);
    Object.assign(changed, hot.annotations);
  }
  return {
    metadata: { annotations: changed },
    ...(containers.length > 0 ? { spec: { containers } } : {}),
  };
}
