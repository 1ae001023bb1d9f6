// The pure part of the containermeta agent: which pods it looks at, which runtime container is a status entry's
// current one, what it reports for it, and when a container must be restarted for its env from metadata.
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import {
  IN_PLACE_UPDATE_READY,
  readRuntimeContainerMetaSet,
  SIDECARSET_HASH_ANNOTATION,
  type RuntimeContainerMeta,
  type RuntimeContainerMetaSet,
} from "@kruise/api";
import type { ReadOnly, WatchEventInfo } from "@kruise/sdk";
import { expectedEnvFromMetadataHash } from "@kruise/workload";
import {
  KUBELET_CONTAINER_HASH_ANNOTATION,
  KUBELET_RESTART_COUNT_ANNOTATION,
  type RuntimeContainer,
} from "./cri/runtime-service.ts";

type PodLike = Pod | ReadOnly<Pod>;

/** A pod whose controller is a Kruise workload (apps.kruise.io), or one a SidecarSet injected into. */
export function isKruisePod(pod: PodLike): boolean {
  const owner = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  const group = owner?.apiVersion.includes("/") === true ? owner.apiVersion.split("/")[0] : "";
  return group === "apps.kruise.io" || pod.metadata?.annotations?.[SIDECARSET_HASH_ANNOTATION] !== undefined;
}

/** The meta a pod reports, or undefined when it has none or it is unreadable (it is then written anew). */
export function reportedMeta(pod: PodLike): RuntimeContainerMetaSet | undefined {
  try {
    return readRuntimeContainerMetaSet(pod);
  } catch {
    return undefined;
  }
}

/**
 * Whether an informer event may change what the agent reports or restarts (OpenKruise's eventFilter): a Kruise pod
 * whose containers changed, whose report misses or names other containers than its status, or — with env from
 * metadata — whose env values from metadata differ from the report or changed with this event. A pod seen in the
 * informer's first list without a report is left until it changes, so a starting agent does not write every pod.
 */
export function worthSyncing(event: WatchEventInfo<Pod>, envFromMetadata: boolean): boolean {
  if (event.type === "delete") return true;
  const pod = event.object;
  if (!isKruisePod(pod)) return false;
  const meta = reportedMeta(pod);
  if (event.type === "add" && meta === undefined) return false;
  const old = event.oldObject;
  if (old !== undefined && (old.spec?.containers.length ?? 0) !== (pod.spec?.containers.length ?? 0))
    return true;
  const statuses = pod.status?.containerStatuses ?? [];
  for (const [i, status] of statuses.entries()) {
    if ((status.containerID ?? "") === "") continue;
    if (meta === undefined || meta.containers.length !== statuses.length) return true;
    if (meta.containers[i]?.containerID !== status.containerID) return true;
    const container = pod.spec?.containers[i];
    if (!envFromMetadata || container === undefined) continue;
    const expected = expectedEnvFromMetadataHash(container as Container, pod.metadata);
    if (expected !== meta.containers[i]?.hashes.extractedEnvFromMetadataHash) return true;
    const before = old?.spec?.containers[i];
    if (before !== undefined && expected !== expectedEnvFromMetadataHash(before as Container, old?.metadata))
      return true;
  }
  return false;
}

/** Per container name, the one the runtime created last (the kubelet's current instance of it). */
export function latestByName(containers: readonly RuntimeContainer[]): Map<string, RuntimeContainer> {
  const latest = new Map<string, RuntimeContainer>();
  for (const c of containers) {
    const seen = latest.get(c.name);
    if (seen === undefined || c.createdAt > seen.createdAt) latest.set(c.name, c);
  }
  return latest;
}

/** The `<runtime>://` prefix of the pod's container ids (`containerd`), or undefined before any container started. */
export function runtimeType(pod: PodLike): string | undefined {
  for (const s of pod.status?.containerStatuses ?? []) {
    const at = s.containerID?.indexOf("://") ?? -1;
    if (at > 0) return s.containerID!.slice(0, at);
  }
  return undefined;
}

/** One status entry's current runtime container, with its spec and what is reported for it. */
export interface ContainerMetaEntry {
  readonly spec: Container;
  readonly runtime: RuntimeContainer;
  meta: RuntimeContainerMeta;
}

/**
 * What to report for each container of the pod's status, in status order: an entry the report already holds for
 * the same runtime container is kept as it is (its hashes describe how that container was started), a new
 * container gets its restart count and the kubelet's hash from the runtime; its env hash is read later
 * (extractedEnvFromMetadataHash unset). A status entry without a runtime container or a spec is left out.
 */
export function planContainerMetas(
  pod: PodLike,
  latest: ReadonlyMap<string, RuntimeContainer>,
  old: RuntimeContainerMetaSet | undefined,
  type: string,
): ContainerMetaEntry[] {
  const entries: ContainerMetaEntry[] = [];
  for (const status of pod.status?.containerStatuses ?? []) {
    const runtime = latest.get(status.name);
    const spec = pod.spec?.containers.find((c) => c.name === status.name) as Container | undefined;
    if (runtime === undefined || spec === undefined) continue;
    const containerID = `${type}://${runtime.id}`;
    const kept = old?.containers.find((m) => m.containerID === containerID);
    const meta: RuntimeContainerMeta =
      kept !== undefined
        ? structuredClone(kept)
        : {
            name: status.name,
            containerID,
            restartCount:
              Number.parseInt(runtime.annotations[KUBELET_RESTART_COUNT_ANNOTATION] ?? "0", 10) || 0,
            hashes: {
              plainHash:
                Number.parseInt(runtime.annotations[KUBELET_CONTAINER_HASH_ANNOTATION] ?? "0", 16) || 0,
            },
          };
    entries.push({ spec, runtime, meta });
  }
  return entries;
}

/**
 * Whether this running container must be stopped so the kubelet starts it with the env values the pod's metadata
 * gives now: only while the pod is being updated in place (InPlaceUpdateReady False, as OpenKruise restarts only
 * then), once the values it was started with are known and differ.
 */
export function needsEnvRestart(pod: PodLike, entry: ContainerMetaEntry): boolean {
  if (entry.runtime.state !== "CONTAINER_RUNNING") return false;
  const updating = pod.status?.conditions?.some(
    (c) => c.type === IN_PLACE_UPDATE_READY && c.status === "False",
  );
  const current = entry.meta.hashes.extractedEnvFromMetadataHash ?? 0;
  return (
    updating === true && current > 0 && current !== expectedEnvFromMetadataHash(entry.spec, pod.metadata)
  );
}

/** `env` output (`NAME=value` lines) as a map; the first `=` ends the name. */
export function parseEnvOutput(stdout: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of stdout.trim().split("\n")) {
    const trimmed = line.trim();
    const at = trimmed.indexOf("=");
    if (at > 0) env.set(trimmed.slice(0, at), trimmed.slice(at + 1));
  }
  return env;
}
