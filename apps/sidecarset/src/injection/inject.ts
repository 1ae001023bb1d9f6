// Injection at pod creation (OpenKruise's pod mutating webhook, SidecarSet part), as a pure function from the pod
// and the SidecarSets that select it to the injected pod, or to a refusal naming the conflict.
import type {
  Container,
  EnvVar,
  LocalObjectReference,
  Pod,
  Volume,
  VolumeMount,
} from "kubernetes-types/core/v1.js";
import {
  SIDECAR_INJECTED_ENV,
  SIDECARSET_HASH_ANNOTATION,
  SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION,
  SIDECARSET_INJECTED_LIST_ANNOTATION,
  SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION,
  type SidecarContainer,
  type SidecarSet,
  type SidecarSetSpec,
} from "@kruise/api";
import type { ReadOnly } from "@kruise/sdk";
import { cloneJson } from "@kruise/workload";
import { sidecarSetHash, sidecarSetHashWithoutImage } from "./hash.ts";
import { hotUpgradeContainers, workingHotUpgradeContainers } from "./hot-upgrade.ts";
import { applyPodMetadataPatches } from "./pod-metadata-patch.ts";
import { injectedSidecarSets, readHashAnnotation } from "./pod-annotations.ts";
import { resourcesFromPolicy, type ResourcesPolicy } from "./resources-policy.ts";

const SERVICE_ACCOUNT_MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
/** Fields of a SidecarContainer that are the SidecarSet's, not the pod's. */
const SIDECARSET_ONLY_FIELDS = [
  "podInjectPolicy",
  "upgradeStrategy",
  "shareVolumePolicy",
  "transferEnv",
  "resourcesPolicy",
];

/** What to inject for one SidecarSet: its current spec, or the revision injectionStrategy.revision picked. */
export interface InjectionSource {
  sidecarSet: ReadOnly<SidecarSet>;
  /** The spec parts to inject (containers, initContainers, volumes, imagePullSecrets, patchPodMetadata). */
  spec: ReadOnly<
    Pick<
      SidecarSetSpec,
      "containers" | "initContainers" | "volumes" | "imagePullSecrets" | "patchPodMetadata"
    >
  >;
  /** The ControllerRevision injected, recorded in the hash annotation. */
  revisionName?: string;
}

export type InjectResult =
  | { kind: "unchanged" }
  | { kind: "injected"; pod: Pod; injected: string[] }
  | { kind: "conflict"; message: string }
  /** The pod cannot get a sidecar as specified (resourcesPolicy): the message says why. */
  | { kind: "refused"; message: string };

/**
 * Injects every source not yet in the pod's injected list. Init containers go after the pod's own (sorted by
 * name); containers before or after the app containers (a pod container of the same name is replaced in place);
 * volumes the sidecars mount are added unless the pod has one of that name; image pull secrets merged; hash and
 * list annotations written; patchPodMetadata applied. Two sources injecting the same container name is a conflict.
 */
export function injectSidecars(
  pod: ReadOnly<Pod>,
  sources: readonly InjectionSource[],
  now: string,
): InjectResult {
  const already = new Set(injectedSidecarSets(pod));
  const todo = sources.filter((s) => !already.has(s.sidecarSet.metadata?.name ?? ""));
  if (todo.length === 0) return { kind: "unchanged" };
  const conflict = findConflict(todo);
  if (conflict) return { kind: "conflict", message: conflict };

  const out = cloneJson(pod) as Pod;
  const spec = (out.spec ??= { containers: [] });
  const appContainers = (spec.containers ?? []).filter((c) => !isInjected(c));
  const annotations: Record<string, string> = { ...out.metadata?.annotations };
  const hashes = readHashAnnotation(pod, SIDECARSET_HASH_ANNOTATION);
  const hashesWithoutImage = readHashAnnotation(pod, SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION);
  let working = workingHotUpgradeContainers(pod);
  const initToAdd: Container[] = [];
  const before: Container[] = [];
  const after: Container[] = [];
  const volumes: Volume[] = [];
  const secrets: LocalObjectReference[] = [];
  // resourcesPolicy reads the pod's own containers, never the ones SidecarSets inject.
  const injectedNames = new Set(
    todo.flatMap((s) => [...(s.spec.containers ?? []), ...(s.spec.initContainers ?? [])].map((c) => c.name)),
  );
  /** The container with resources from its resourcesPolicy, or the refusal. */
  const withResources = (owner: string, sc: ReadOnly<SidecarContainer>, c: Container): Container | string => {
    const policy = sc["resourcesPolicy"] as ResourcesPolicy | undefined;
    if (!policy) return c;
    const own = sc["resources"] as { limits?: object; requests?: object } | undefined;
    if (Object.keys(own?.limits ?? {}).length > 0 || Object.keys(own?.requests ?? {}).length > 0)
      return `sidecar container ${sc.name} sets both resources and resourcesPolicy; keep one: kubectl edit sidecarset ${owner}`;
    const resources = resourcesFromPolicy(sc.name, policy, pod, injectedNames);
    if (typeof resources === "string") return `SidecarSet ${owner}: ${resources}`;
    return { ...c, resources };
  };

  for (const source of todo) {
    const name = source.sidecarSet.metadata?.name ?? "";
    const volumeByName = new Map((source.spec.volumes ?? []).map((v) => [v.name, v as Volume]));
    for (const ic of source.spec.initContainers ?? []) {
      const init = withResources(name, ic, toContainer(ic, withEnv(ic, transferredEnv(ic, pod))));
      if (typeof init === "string") return { kind: "refused", message: init };
      initToAdd.push(init);
      for (const m of (ic["volumeMounts"] as VolumeMount[] | undefined) ?? []) {
        const v = volumeByName.get(m.name);
        if (v) volumes.push(v);
      }
    }
    secrets.push(...((source.spec.imagePullSecrets ?? []) as LocalObjectReference[]));
    const sidecarList: string[] = [];
    for (const sc of source.spec.containers ?? []) {
      sidecarList.push(sc.name);
      const ownMounts = (sc["volumeMounts"] as VolumeMount[] | undefined) ?? [];
      for (const m of ownMounts) {
        const v = volumeByName.get(m.name);
        if (v) volumes.push(v);
      }
      const shared = sc.shareVolumePolicy?.type === "enabled" ? sharedMounts(appContainers, ownMounts) : [];
      const sized = withResources(name, sc, toContainer(sc, withEnv(sc, transferredEnv(sc, pod))));
      if (typeof sized === "string") return { kind: "refused", message: sized };
      let container = sized;
      if (shared.length > 0) container = { ...container, volumeMounts: [...ownMounts, ...shared] };
      const twins =
        sc.upgradeStrategy?.upgradeType === "HotUpgrade"
          ? hotUpgradeContainers(container, sc.upgradeStrategy.hotUpgradeEmptyImage, working)
          : undefined;
      if (twins) {
        Object.assign(annotations, twins.annotations);
        working = JSON.parse(
          twins.annotations[SIDECARSET_WORKING_HOTUPGRADE_CONTAINER_ANNOTATION]!,
        ) as Record<string, string>;
      }
      const list = sc.podInjectPolicy === "AfterAppContainer" ? after : before;
      list.push(...(twins?.containers ?? [container]));
    }
    const view = { spec: source.spec } as ReadOnly<SidecarSet>;
    const entry = (hash: string) => ({
      updateTimestamp: now,
      hash,
      sidecarSetName: name,
      sidecarList: [...sidecarList].sort(),
    });
    // Only the hash annotation names the revision (the ControllerRevision kept while a pod uses it).
    hashes[name] = {
      ...entry(sidecarSetHash(view)),
      ...(source.revisionName ? { controllerRevision: source.revisionName } : {}),
    };
    hashesWithoutImage[name] = entry(sidecarSetHashWithoutImage(view));
    already.add(name);
    Object.assign(annotations, applyPodMetadataPatches(annotations, source.spec.patchPodMetadata));
  }

  spec.initContainers = [
    ...(spec.initContainers ?? []),
    ...initToAdd.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  ];
  if (spec.initContainers.length === 0) delete spec.initContainers;
  spec.containers = mergeContainers(spec.containers ?? [], before, after);
  const allVolumes = mergeByName(spec.volumes ?? [], volumes);
  if (allVolumes.length > 0) spec.volumes = allVolumes;
  const allSecrets = mergeByName(spec.imagePullSecrets ?? [], secrets);
  if (allSecrets.length > 0) spec.imagePullSecrets = allSecrets;
  annotations[SIDECARSET_HASH_ANNOTATION] = JSON.stringify(hashes);
  annotations[SIDECARSET_HASH_WITHOUT_IMAGE_ANNOTATION] = JSON.stringify(hashesWithoutImage);
  annotations[SIDECARSET_INJECTED_LIST_ANNOTATION] = [...already].join(",");
  (out.metadata ??= {}).annotations = annotations;
  return { kind: "injected", pod: out, injected: todo.map((s) => s.sidecarSet.metadata?.name ?? "") };
}

/** Two SidecarSets injecting a container (or init container) of the same name into one pod. */
function findConflict(sources: readonly InjectionSource[]): string | undefined {
  const owner = new Map<string, string>();
  for (const s of sources) {
    const name = s.sidecarSet.metadata?.name ?? "";
    for (const c of [...(s.spec.containers ?? []), ...(s.spec.initContainers ?? [])]) {
      const other = owner.get(c.name);
      if (other !== undefined && other !== name)
        return (
          `SidecarSets "${other}" and "${name}" both inject a container named "${c.name}" into this pod. ` +
          `Rename the container in one of them, or narrow a selector: kubectl edit sidecarset ${name}`
        );
      owner.set(c.name, name);
    }
  }
  return undefined;
}

function isInjected(c: ReadOnly<Container>): boolean {
  return (c.env ?? []).some((e) => e.name === SIDECAR_INJECTED_ENV);
}

/** The pod container a SidecarContainer becomes: SidecarSet-only fields dropped, env as given. */
function toContainer(sc: ReadOnly<SidecarContainer>, env: EnvVar[]): Container {
  const c = cloneJson(sc) as Record<string, unknown>;
  for (const f of SIDECARSET_ONLY_FIELDS) delete c[f];
  return { ...(c as unknown as Container), env };
}

/** The sidecar's env, then IS_INJECTED=true, then transferred variables it does not already have. */
function withEnv(sc: ReadOnly<SidecarContainer>, transferred: EnvVar[]): EnvVar[] {
  const env = cloneJson((sc["env"] as EnvVar[] | undefined) ?? []);
  const names = new Set(env.map((e) => e.name));
  if (!names.has(SIDECAR_INJECTED_ENV)) env.push({ name: SIDECAR_INJECTED_ENV, value: "true" });
  for (const e of transferred) if (!names.has(e.name)) env.push(e);
  return env;
}

/** transferEnv: variables copied from a pod container (named, or read from a pod label/annotation). */
function transferredEnv(sc: ReadOnly<SidecarContainer>, pod: ReadOnly<Pod>): EnvVar[] {
  const out: EnvVar[] = [];
  for (const t of sc.transferEnv ?? []) {
    const source = t.sourceContainerName ?? containerNameFrom(t.sourceContainerNameFrom, pod);
    const from = (pod.spec?.containers ?? []).find((c) => c.name === source);
    if (!from) continue;
    const wanted = new Set([...(t.envName ? [t.envName] : []), ...(t.envNames ?? [])]);
    for (const e of from.env ?? []) if (wanted.has(e.name)) out.push(cloneJson(e));
  }
  return out;
}

function containerNameFrom(from: unknown, pod: ReadOnly<Pod>): string | undefined {
  const path = (from as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef?.fieldPath;
  const m = path ? /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path) : null;
  if (!m) return undefined;
  return m[1] === "labels" ? pod.metadata?.labels?.[m[2]!] : pod.metadata?.annotations?.[m[2]!];
}

/** shareVolumePolicy: the app containers' mounts, except ones clashing by name or path and the token mount. */
function sharedMounts(apps: readonly Container[], own: readonly VolumeMount[]): VolumeMount[] {
  const names = new Set(own.map((m) => m.name));
  const paths = new Set(own.map((m) => m.mountPath));
  const out: VolumeMount[] = [];
  for (const c of apps)
    for (const m of c.volumeMounts ?? []) {
      if (names.has(m.name) || paths.has(m.mountPath) || m.mountPath === SERVICE_ACCOUNT_MOUNT) continue;
      names.add(m.name);
      paths.add(m.mountPath);
      out.push(cloneJson(m));
    }
  return out;
}

function mergeContainers(pod: Container[], before: Container[], after: Container[]): Container[] {
  const index = new Map(pod.map((c, i) => [c.name, i]));
  const merged = [...pod];
  const add = (list: Container[]) =>
    list.filter((c) => {
      const i = index.get(c.name);
      if (i === undefined) return true;
      merged[i] = c; // a pod container of that name is replaced in place, keeping the order
      return false;
    });
  return [...add(before), ...merged, ...add(after)];
}

/** `first` wins on a name clash; later duplicates are dropped. */
function mergeByName<T extends { name?: string }>(first: readonly T[], more: readonly T[]): T[] {
  const seen = new Set<string | undefined>();
  const out: T[] = [];
  for (const v of [...first, ...more]) {
    if (seen.has(v.name)) continue;
    seen.add(v.name);
    out.push(v);
  }
  return out;
}
