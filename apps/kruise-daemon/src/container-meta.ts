// The containermeta agent of kruise-daemon (OpenKruise's containermeta controller): for each Kruise pod on its node
// it reads the pod's containers from the runtime (CRI), reports them in the pod's
// `apps.kruise.io/runtime-containers-meta` annotation (containerID, restart count, the kubelet's hash, and the hash of
// the env values each was started with from the pod's labels and annotations), and, while the pod is updated in
// place, stops a container whose env from metadata is out of date so the kubelet starts it with the new values.
import type { Pod } from "kubernetes-types/core/v1.js";
import { formatRuntimeContainerMetaSet, RUNTIME_CONTAINERS_META_ANNOTATION } from "@kruise/api";
import {
  type Controller,
  jsonEqual,
  type Manager,
  PodKind,
  type ReadOnly,
  type Reconciler,
  type Request,
  ResourceVersionExpectations,
} from "@kruise/sdk";
import { currentEnvFromMetadataHash } from "@kruise/workload";
import type { RuntimeService } from "./cri/runtime-service.ts";
import { KUBELET_POD_UID_LABEL } from "./cri/runtime-service.ts";
import {
  isKruisePod,
  latestByName,
  needsEnvRestart,
  parseEnvOutput,
  planContainerMetas,
  reportedMeta,
  runtimeType,
  worthSyncing,
  type ContainerMetaEntry,
} from "./container-meta-plan.ts";

/** The name OpenKruise's daemon records its Events under. */
export const CONTAINER_META_AGENT_NAME = "kruise-daemon-containermeta";

/** How long `env` may run in a container (OpenKruise's value), and the wait before a failed read or stop is retried. */
const ENV_EXEC_TIMEOUT_SECONDS = 3;
const RETRY_MS = 3_000;
/**
 * A restart waits this long first (OpenKruise's restarter queue starts its backoff there): the kubelet, which reads
 * the new labels from its own watch, must know them before it starts the container again.
 */
const RESTART_DELAY_MS = 3_000;
/** The kubelet never stops a container faster than this (its minimumGracePeriodInSeconds). */
const MINIMUM_GRACE_SECONDS = 2;

export interface ContainerMetaOptions {
  nodeName: string;
  runtime: RuntimeService;
  /** Gate InPlaceUpdateEnvFromMetadata (on by default, as OpenKruise's): report env hashes and restart for them. */
  envFromMetadata: boolean;
  workers?: number;
}

interface Deps {
  runtime: RuntimeService;
  envFromMetadata: boolean;
  versions: ResourceVersionExpectations;
  /** Runtime container ids being stopped now: stopped once, not once per event. */
  stopping: Set<string>;
  retry: (request: Request) => void;
}

/**
 * Registers the agent for the pods of `nodeName` (an informer by field selector `spec.nodeName`: no other node's
 * pods are listed or watched).
 *
 * # Guarantees
 * - A report is written only when it changed, through pods/status, and not again before the cache shows it.
 * - A container's env is read (`env` through CRI ExecSync) once per runtime container, and only when it has env
 *   from metadata; its hash then describes how that container was started, whatever the pod's metadata says later.
 * - A container is stopped only while its pod's InPlaceUpdateReady is False, once per runtime container at a time.
 *
 * # Caveats
 * - A container whose image has no `env` binary reports no env hash, so an env-from-metadata update of its pod does
 *   not complete (as in OpenKruise, which reads the env the same way).
 * - The container is stopped through CRI StopContainer with the pod's termination grace period; its preStop hook is
 *   not run (the kubelet's KillContainer, which OpenKruise calls in-process, would run it).
 */
export function addContainerMetaAgent(mgr: Manager, options: ContainerMetaOptions): Controller {
  const informer = { fieldSelector: `spec.nodeName=${options.nodeName}` };
  mgr.cache.informerFor(PodKind, informer);
  const deps: Deps = {
    runtime: options.runtime,
    envFromMetadata: options.envFromMetadata,
    versions: new ResourceVersionExpectations({ name: CONTAINER_META_AGENT_NAME }),
    stopping: new Set(),
    retry: () => {},
  };
  const controller = mgr
    .controller(CONTAINER_META_AGENT_NAME)
    .for(PodKind, {
      informer,
      predicates: [(event) => worthSyncing(event, options.envFromMetadata)],
    })
    .workers(options.workers ?? 2)
    .reconcile(reconcilePod, deps);
  deps.retry = (request) => setTimeout(() => controller.enqueue(request), RETRY_MS).unref();
  return controller;
}

const reconcilePod: Reconciler<Deps> = async (request, ctx, deps) => {
  const { cache, client, log, recorder } = ctx;
  const pod = cache.get(PodKind, request.namespace, request.name);
  if (pod === undefined) return;
  const uid = pod.metadata?.uid ?? "";
  if (pod.metadata?.deletionTimestamp !== undefined || (pod.status?.containerStatuses ?? []).length === 0) {
    deps.versions.delete(uid);
    return;
  }
  if (!isKruisePod(pod) || !deps.versions.satisfied(pod as Pod)) return;
  const type = runtimeType(pod);
  if (type === undefined) return;

  const latest = latestByName(
    await deps.runtime.listContainers({ labels: { [KUBELET_POD_UID_LABEL]: uid } }),
  );
  const old = reportedMeta(pod);
  const entries = planContainerMetas(pod, latest, old, type);
  let retry = false;
  const restarts: ContainerMetaEntry[] = [];
  if (deps.envFromMetadata) {
    for (const entry of entries) {
      if (
        (entry.meta.hashes.extractedEnvFromMetadataHash ?? 0) === 0 &&
        entry.runtime.state === "CONTAINER_RUNNING"
      ) {
        try {
          entry.meta.hashes.extractedEnvFromMetadataHash = await startedEnvHash(deps.runtime, entry);
        } catch (error) {
          log.warn(
            { container: entry.spec.name, err: error },
            "could not read the container's env; retrying",
          );
          retry = true;
        }
      }
      if (needsEnvRestart(pod, entry)) restarts.push(entry);
    }
  }

  const next = { containers: entries.map((e) => e.meta) };
  if (old === undefined || !jsonEqual(old, next)) {
    log.info({ containers: next.containers.length }, "reporting runtime containers meta");
    const written = await client.patchStatus(PodKind, request.name, request.namespace, "strategic", {
      metadata: {
        annotations: { [RUNTIME_CONTAINERS_META_ANNOTATION]: formatRuntimeContainerMetaSet(next) },
      },
    });
    deps.versions.expect(written);
  }

  for (const entry of restarts) {
    const id = entry.runtime.id;
    if (deps.stopping.has(id)) continue;
    deps.stopping.add(id);
    const containerID = `${type}://${id}`;
    log.info(
      { container: entry.spec.name, containerID },
      "restarting the container for its env from metadata",
    );
    recorder.event(
      pod as Pod,
      "Normal",
      "Killing",
      `Stopping containerID ${containerID} by container meta restarter`,
    );
    // In the background: a stop waits up to the grace period, and the kubelet's restart is a pod event anyway.
    void new Promise((done) => setTimeout(done, RESTART_DELAY_MS))
      .then(() => stopContainer(deps.runtime, pod, id))
      .catch((error: unknown) => {
        log.warn({ containerID, err: error }, "could not stop the container; retrying");
        deps.retry(request);
      })
      .finally(() => deps.stopping.delete(id));
  }
  return retry ? { requeueAfter: RETRY_MS } : undefined;
};

/** The hash of the env values the running container was started with (0 never: a hash of nothing is not 0). */
async function startedEnvHash(runtime: RuntimeService, entry: ContainerMetaEntry): Promise<number> {
  let env: Map<string, string> | undefined;
  return currentEnvFromMetadataHash(entry.spec, async (name) => {
    // Asked only for env from metadata (see currentEnvFromMetadataHash), so `env` runs only in such containers.
    env ??= parseEnvOutput(await runtime.execSync(entry.runtime.id, ["env"], ENV_EXEC_TIMEOUT_SECONDS));
    return env.get(name) ?? "";
  });
}

/** Stops the container if it still runs, with the pod's grace period (as the kubelet would, at least 2 s). */
async function stopContainer(runtime: RuntimeService, pod: ReadOnly<Pod>, id: string): Promise<void> {
  const [found] = await runtime.listContainers({ id });
  if (found === undefined || found.state !== "CONTAINER_RUNNING") return;
  const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  await runtime.stopContainer(id, Math.max(grace, MINIMUM_GRACE_SECONDS));
}
