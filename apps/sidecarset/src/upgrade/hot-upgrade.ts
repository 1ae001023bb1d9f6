// Hot upgrade of a sidecar with twin containers, in two steps (OpenKruise's sidecarset hot upgrade):
// 1. the idle twin gets the new image, and the version annotations say it is the newer one;
// 2. once it runs the new image and is ready, the twins swap: the working-container annotation names it, and the
//    previously working twin goes back to hotUpgradeEmptyImage.
// The pod's sidecar process hands over between the twins by itself (SIDECARSET_VERSION / _ALT tell each its role).
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION,
  type SidecarContainer,
  type SidecarSet,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import {
  hotUpgradeTwins,
  versionAltAnnotation,
  versionAnnotation,
  workingHotUpgradeContainers,
} from "../injection/hot-upgrade.ts";
import { normalizeImage } from "./pod-state.ts";

export function hotUpgradeSidecars(ss: ReadOnly<SidecarSet>): ReadOnly<SidecarContainer>[] {
  return (ss.spec?.containers ?? []).filter((c) => c.upgradeStrategy?.upgradeType === "HotUpgrade");
}

/** A pod container's spec image, and whether the kubelet runs it and reports it ready. */
function containerState(pod: ReadOnly<Pod>, name: string): { image?: string; runningReady: boolean } {
  const image = pod.spec?.containers.find((c) => c.name === name)?.image;
  const st = pod.status?.containerStatuses?.find((s) => s.name === name);
  return {
    ...(image ? { image } : {}),
    runningReady: !!st?.ready && normalizeImage(st.image) === normalizeImage(image),
  };
}

export interface HotUpgradeStep {
  containers: Array<{ name: string; image: string }>;
  annotations: Record<string, string>;
}

/**
 * The next step for every hot-upgrade sidecar of the pod, merged; undefined when every one runs the SidecarSet's
 * image in its working twin with the idle twin empty. `start` allows step 1 (a pod picked for upgrade); step 2
 * (the swap) is always allowed, because a pod half-way through holds an upgrade budget until it finishes.
 */
export function hotUpgradeStep(
  pod: ReadOnly<Pod>,
  ss: ReadOnly<SidecarSet>,
  start: boolean,
): HotUpgradeStep | undefined {
  const step: HotUpgradeStep = { containers: [], annotations: {} };
  const working = { ...workingHotUpgradeContainers(pod) };
  const version = (c: string) => Number(pod.metadata?.annotations?.[versionAnnotation(c)] ?? "0") || 0;
  for (const sc of hotUpgradeSidecars(ss)) {
    if (!sc.image) continue;
    const empty = sc.upgradeStrategy?.hotUpgradeEmptyImage ?? "";
    const twins = hotUpgradeTwins(pod, sc.name);
    const w = containerState(pod, twins.working);
    const idle = containerState(pod, twins.idle);
    if (w.image === sc.image) {
      // Converged, or the swap is done and the old twin still has to go empty.
      if (empty && idle.image !== empty) step.containers.push({ name: twins.idle, image: empty });
      continue;
    }
    if (idle.image === sc.image) {
      if (!idle.runningReady) continue; // wait for the new twin
      working[sc.name] = twins.idle;
      if (empty) step.containers.push({ name: twins.working, image: empty });
      continue;
    }
    if (!start) continue;
    const next = String(Math.max(version(twins.working), version(twins.idle)) + 1);
    step.containers.push({ name: twins.idle, image: sc.image });
    step.annotations[versionAnnotation(twins.idle)] = next;
    step.annotations[versionAltAnnotation(twins.idle)] = String(version(twins.working));
    step.annotations[versionAltAnnotation(twins.working)] = next;
  }
  if (JSON.stringify(working) !== JSON.stringify(workingHotUpgradeContainers(pod)))
    step.annotations[SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION] = JSON.stringify(working);
  return step.containers.length > 0 || Object.keys(step.annotations).length > 0 ? step : undefined;
}

/** Some hot-upgrade sidecar of the pod is between step 1 and the end of step 2. */
export function isHotUpgrading(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): boolean {
  return hotUpgradeSidecars(ss).some((sc) => {
    const twins = hotUpgradeTwins(pod, sc.name);
    const empty = sc.upgradeStrategy?.hotUpgradeEmptyImage;
    return (
      containerState(pod, twins.working).image !== sc.image ||
      (!!empty && containerState(pod, twins.idle).image !== empty)
    );
  });
}
