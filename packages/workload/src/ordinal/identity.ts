import { MAX_INT32 } from "@kruise/sdk";

/**
 * A StatefulSet pod's identity is its name: `<set>-<ordinal>`. Kubernetes parses the name with
 * `(.*)-([0-9]+)$`, so a pod belongs to the set only if the part before the last dash is the set's name.
 */
const POD_NAME = /^(.*)-(\d+)$/;

export function statefulPodName(setName: string, ordinal: number): string {
  return `${setName}-${ordinal}`;
}

/** The pod's ordinal within `setName`, or undefined when the name is not `<setName>-<n>` (n a 32-bit int). */
export function podOrdinal(setName: string, podName: string): number | undefined {
  const m = POD_NAME.exec(podName);
  if (!m || m[1] !== setName) return undefined;
  const n = Number(m[2]);
  return n <= MAX_INT32 ? n : undefined;
}

/** `<claim>-<set>-<ordinal>`, the name of the PVC a volumeClaimTemplate gives one ordinal. */
export function statefulClaimName(claimTemplateName: string, setName: string, ordinal: number): string {
  return `${claimTemplateName}-${setName}-${ordinal}`;
}
