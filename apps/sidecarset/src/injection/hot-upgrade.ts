// HotUpgrade sidecars run as two twin containers, `<name>-1` and `<name>-2`: the working one with the real image,
// the idle one with hotUpgradeEmptyImage. Each learns its role from env SIDECARSET_VERSION(_ALT), read through the
// downward API from the pod's version annotations, which the upgrade bumps when the twins swap.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION } from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";

export const SIDECARSET_VERSION_ENV = "SIDECARSET_VERSION";
export const SIDECARSET_VERSION_ALT_ENV = "SIDECARSET_VERSION_ALT";

export const versionAnnotation = (container: string): string => `version.sidecarset.kruise.io/${container}`;
export const versionAltAnnotation = (container: string): string =>
  `versionalt.sidecarset.kruise.io/${container}`;
export const hotUpgradeTwinNames = (sidecar: string): [string, string] => [`${sidecar}-1`, `${sidecar}-2`];

/** sidecar name -> the twin working now, from kruise.io/sidecarset-working-hotupgrade-container. */
export function workingHotUpgradeContainers(pod: ReadOnly<Pod>): Record<string, string> {
  const raw = pod.metadata?.annotations?.[SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION];
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The working and the idle twin of a hot-upgrade sidecar in a pod. */
export function hotUpgradeTwins(pod: ReadOnly<Pod>, sidecar: string): { working: string; idle: string } {
  const [one, two] = hotUpgradeTwinNames(sidecar);
  return workingHotUpgradeContainers(pod)[sidecar] === two
    ? { working: two, idle: one }
    : { working: one, idle: two };
}

function withVersionEnv(c: Container): Container {
  const fieldRef = (annotation: string) => ({
    fieldRef: { fieldPath: `metadata.annotations['${annotation}']` },
  });
  return {
    ...c,
    env: [
      ...(c.env ?? []),
      { name: SIDECARSET_VERSION_ENV, valueFrom: fieldRef(versionAnnotation(c.name)) },
      { name: SIDECARSET_VERSION_ALT_ENV, valueFrom: fieldRef(versionAltAnnotation(c.name)) },
    ],
  };
}

/** The twins for a new pod (`-1` working) and the annotations that go with them. */
export function hotUpgradeContainers(
  sidecar: Container,
  emptyImage: string | undefined,
  working: Record<string, string>,
): { containers: Container[]; annotations: Record<string, string> } {
  const [one, two] = hotUpgradeTwinNames(sidecar.name);
  const first = withVersionEnv({ ...sidecar, name: one });
  const second = withVersionEnv({ ...sidecar, name: two, ...(emptyImage ? { image: emptyImage } : {}) });
  return {
    containers: [first, second],
    annotations: {
      [versionAnnotation(one)]: "1",
      [versionAltAnnotation(one)]: "0",
      [versionAnnotation(two)]: "0",
      [versionAltAnnotation(two)]: "1",
      [SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION]: JSON.stringify({
        ...working,
        [sidecar.name]: one,
      }),
    },
  };
}
