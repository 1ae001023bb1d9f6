// Hot upgrade of a sidecar with twin containers, as OpenKruise's SidecarSet does it, in two steps:
// 1. upgrade (a pod picked under the budget): the twin to upgrade (the one on hotUpgradeEmptyImage, else the one not
//    ready, else the older one) takes the new image and at once becomes the working twin in
//    kruise.io/sidecarset-working-hotupgrade-container; its version annotation is the SidecarSet's resourceVersion, and
//    each twin's versionalt names the other's version, so the new process knows to take over from the old one;
// 2. reset (no budget: the pod holds one until it is done): once the new working twin runs its image and the pod's
//    non-empty containers are ready, the other twin goes back to hotUpgradeEmptyImage, with version "0" and the working
//    twin's versionalt "0" (no hot upgrade in progress).
// Each step changes one container's image, which the kubelet restarts in place without marking the pod not ready when
// the container has no readiness probe of its own.
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION,
  type SidecarContainer,
  type SidecarSet,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import {
  hotUpgradeTwinNames,
  hotUpgradeTwins,
  versionAltAnnotation,
  versionAnnotation,
  workingHotUpgradeContainers,
} from "../injection/hot-upgrade.ts";
import { isPodReady, normalizeImage } from "./pod-state.ts";

export function hotUpgradeSidecars(ss: ReadOnly<SidecarSet>): ReadOnly<SidecarContainer>[] {
  return (ss.spec?.containers ?? []).filter((c) => c.upgradeStrategy?.upgradeType === "HotUpgrade");
}

const specImage = (pod: ReadOnly<Pod>, name: string): string | undefined =>
  pod.spec?.containers.find((c) => c.name === name)?.image;

/** The kubelet runs the container's spec image (by tag, or by digest for a digest-pinned image). */
function runsSpecImage(pod: ReadOnly<Pod>, name: string): boolean {
  const want = specImage(pod, name);
  const st = pod.status?.containerStatuses?.find((s) => s.name === name);
  if (!want || !st) return false;
  if (want.includes("@")) return st.imageID.endsWith(want.slice(want.indexOf("@")));
  return normalizeImage(st.image) === normalizeImage(want);
}

const containerReady = (pod: ReadOnly<Pod>, name: string): boolean =>
  pod.status?.containerStatuses?.find((s) => s.name === name)?.ready === true;

export interface HotUpgradeStep {
  containers: Array<{ name: string; image: string }>;
  annotations: Record<string, string>;
  /** Containers whose image changes: their current image IDs go into the in-place update state. */
  changed: string[];
}

const emptyStep = (): HotUpgradeStep => ({ containers: [], annotations: {}, changed: [] });
const nonEmpty = (s: HotUpgradeStep): HotUpgradeStep | undefined =>
  s.containers.length > 0 || Object.keys(s.annotations).length > 0 ? s : undefined;

/** Which twin takes the new image (OpenKruise's findContainerToHotUpgrade), and the other one. */
function twinToUpgrade(
  pod: ReadOnly<Pod>,
  sc: ReadOnly<SidecarContainer>,
): { target: string; other: string } {
  const [one, two] = hotUpgradeTwinNames(sc.name);
  const empty = sc.upgradeStrategy?.hotUpgradeEmptyImage;
  if (empty && specImage(pod, one) === empty) return { target: one, other: two };
  if (empty && specImage(pod, two) === empty) return { target: two, other: one };
  const ok = (c: string) => containerReady(pod, c) && runsSpecImage(pod, c);
  if (ok(one) && !ok(two)) return { target: two, other: one };
  if (!ok(one) && ok(two)) return { target: one, other: two };
  const { working, idle } = hotUpgradeTwins(pod, sc.name);
  return { target: idle, other: working };
}

/**
 * Step 1 for every hot-upgrade sidecar of a pod picked for upgrade whose twins do not run the SidecarSet's image yet;
 * undefined when there is none.
 */
export function hotUpgradeStart(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): HotUpgradeStep | undefined {
  const step = emptyStep();
  const working = { ...workingHotUpgradeContainers(pod) };
  const annotations = pod.metadata?.annotations ?? {};
  for (const sc of hotUpgradeSidecars(ss)) {
    if (!sc.image) continue;
    const { target, other } = twinToUpgrade(pod, sc);
    if (specImage(pod, other) === sc.image) continue;
    const version = ss.metadata?.resourceVersion ?? "1";
    if (specImage(pod, target) !== sc.image) {
      step.containers.push({ name: target, image: sc.image });
      step.changed.push(target);
    }
    working[sc.name] = target;
    step.annotations[versionAnnotation(target)] = version;
    step.annotations[versionAltAnnotation(target)] = annotations[versionAnnotation(other)] ?? "0";
    step.annotations[versionAltAnnotation(other)] = version;
  }
  if (JSON.stringify(working) !== JSON.stringify(workingHotUpgradeContainers(pod)))
    step.annotations[SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION] = JSON.stringify(working);
  return nonEmpty(step);
}

/** The twins that are not working now (OpenKruise's "empty containers"), for this SidecarSet. */
function idleTwins(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): Set<string> {
  return new Set(hotUpgradeSidecars(ss).map((sc) => hotUpgradeTwins(pod, sc.name).idle));
}

/** Some hot-upgrade sidecar's idle twin is not on hotUpgradeEmptyImage: the old version still has to go. */
export function isHotUpgrading(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): boolean {
  return hotUpgradeSidecars(ss).some((sc) => {
    const empty = sc.upgradeStrategy?.hotUpgradeEmptyImage;
    return !!empty && specImage(pod, hotUpgradeTwins(pod, sc.name).idle) !== empty;
  });
}

/**
 * The pod may reset its old twins: it is hot upgrading, its sidecar containers other than the idle twins run their
 * spec images, and the pod is ready or every container other than the idle twins is.
 */
export function isHotUpgradeResettable(
  pod: ReadOnly<Pod>,
  ss: ReadOnly<SidecarSet>,
  sidecarContainers: readonly string[],
): boolean {
  if (!isHotUpgrading(pod, ss)) return false;
  const idle = idleTwins(pod, ss);
  if (!sidecarContainers.filter((c) => !idle.has(c)).every((c) => runsSpecImage(pod, c))) return false;
  if (isPodReady(pod)) return true;
  return (pod.status?.containerStatuses ?? []).every((s) => idle.has(s.name) || s.ready);
}

/** Step 2: every hot-upgrade sidecar's idle twin back to hotUpgradeEmptyImage; undefined when none has to. */
export function hotUpgradeReset(pod: ReadOnly<Pod>, ss: ReadOnly<SidecarSet>): HotUpgradeStep | undefined {
  const step = emptyStep();
  for (const sc of hotUpgradeSidecars(ss)) {
    const empty = sc.upgradeStrategy?.hotUpgradeEmptyImage;
    const { working, idle } = hotUpgradeTwins(pod, sc.name);
    if (!empty || specImage(pod, idle) === empty) continue;
    step.containers.push({ name: idle, image: empty });
    step.changed.push(idle);
    step.annotations[versionAnnotation(idle)] = "0";
    step.annotations[versionAltAnnotation(working)] = "0";
  }
  return nonEmpty(step);
}
