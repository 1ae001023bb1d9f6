// How one matched pod stands against its SidecarSet: upgraded, upgradable in place, ready, consistent.
import type { Pod } from "kubernetes-types/core/v1.js";
import { SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { podSidecarSetHash } from "../injection/pod-annotations.ts";

export interface SidecarSetHashes {
  hash: string;
  withoutImage: string;
}

/** The pod runs the SidecarSet's current sidecars (its recorded hash is the current one). */
export function isPodUpdated(pod: ReadOnly<Pod>, name: string, hashes: SidecarSetHashes): boolean {
  return podSidecarSetHash(pod, name) === hashes.hash;
}

/** Only images differ between what the pod runs and the SidecarSet: an in-place upgrade can catch it up. */
export function isPodUpgradable(pod: ReadOnly<Pod>, name: string, hashes: SidecarSetHashes): boolean {
  return podSidecarSetHash(pod, name, SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION) === hashes.withoutImage;
}

export function isPodReady(pod: ReadOnly<Pod>): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** `nginx` and `docker.io/library/nginx:latest` are one image. */
export function normalizeImage(image: string | undefined): string {
  let i = image ?? "";
  if (i.startsWith("docker.io/")) i = i.slice("docker.io/".length);
  if (i.startsWith("library/")) i = i.slice("library/".length);
  if (!i.includes("@") && !/:[^/]+$/.test(i)) i += ":latest";
  return i;
}

/**
 * The kubelet runs what the spec says for every sidecar container: each has a status, and its status image is the
 * spec image (OpenKruise's "consistent"). A digest-pinned spec image is compared with the status imageID.
 */
export function isSidecarConsistent(pod: ReadOnly<Pod>, containerNames: readonly string[]): boolean {
  const spec = pod.spec?.containers ?? [];
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length !== spec.length) return false;
  return containerNames.every((n) => {
    const want = spec.find((c) => c.name === n)?.image;
    const st = statuses.find((s) => s.name === n);
    if (!st || !want) return false;
    if (want.includes("@")) return st.imageID.endsWith(want.slice(want.indexOf("@")));
    return normalizeImage(st.image) === normalizeImage(want);
  });
}
