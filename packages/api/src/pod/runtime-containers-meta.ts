// The `apps.kruise.io/runtime-containers-meta` pod annotation: what kruise-daemon saw of each running container
// on its node, and what the workload controllers read to tell that an in-place update reached the container runtime.
// Field names and shape are OpenKruise's (RuntimeContainerMetaSet), so a tool reading the annotation keeps working.
import { RUNTIME_CONTAINERS_META_ANNOTATION } from "../constants/annotations.ts";

/** Hashes of one running container. */
export interface RuntimeContainerHashes {
  /** The kubelet's hash of the container spec it started (the runtime's `io.kubernetes.container.hash`), decimal. */
  plainHash: number;
  /**
   * The hash of the env values the container was started with for its env from `metadata.labels['…']` and
   * `metadata.annotations['…']` (see expectedEnvFromMetadataHash and currentEnvFromMetadataHash in
   * @kruise/workload); absent until the agent read them.
   */
  extractedEnvFromMetadataHash?: number;
}

/** One running container, by the runtime's id. */
export interface RuntimeContainerMeta {
  name: string;
  /** `<runtime>://<id>`, as in the pod's status.containerStatuses[].containerID. */
  containerID: string;
  restartCount: number;
  hashes: RuntimeContainerHashes;
}

export interface RuntimeContainerMetaSet {
  containers: RuntimeContainerMeta[];
}

/**
 * The pod's runtime-containers-meta, or undefined when it has none.
 *
 * # Caveats
 * - Throws, naming the annotation, when its value is not a JSON object with a `containers` list.
 */
export function readRuntimeContainerMetaSet(pod: {
  metadata?: { name?: string; annotations?: Record<string, string> };
}): RuntimeContainerMetaSet | undefined {
  const raw = pod.metadata?.annotations?.[RUNTIME_CONTAINERS_META_ANNOTATION];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const containers = (parsed as { containers?: unknown } | undefined)?.containers;
  if (typeof parsed !== "object" || parsed === null || (containers !== null && !Array.isArray(containers)))
    throw new Error(
      `pod ${pod.metadata?.name ?? ""}: annotation ${RUNTIME_CONTAINERS_META_ANNOTATION} is not a JSON object with a containers list`,
    );
  return { containers: (containers ?? []) as RuntimeContainerMeta[] };
}

/** The annotation value for `set`, fields in OpenKruise's order (as Go's encoding/json writes its struct). */
export function formatRuntimeContainerMetaSet(set: RuntimeContainerMetaSet): string {
  return JSON.stringify({
    containers: set.containers.map((c) => ({
      name: c.name,
      containerID: c.containerID,
      restartCount: c.restartCount,
      hashes: {
        plainHash: c.hashes.plainHash,
        ...(c.hashes.extractedEnvFromMetadataHash
          ? { extractedEnvFromMetadataHash: c.hashes.extractedEnvFromMetadataHash }
          : {}),
      },
    })),
  });
}
