import { isPodActive } from "@kruise/workload";
// One level-triggered reconcile of a SidecarSet: revision, conflict condition, in-place upgrades, the
// SidecarSetUpgradable condition of pods that cannot be upgraded, status. Converged: no write.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import {
  SIDECARSET_CUSTOM_VERSION_LABEL,
  SIDECARSET_HASH_ANNOTATION,
  SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION,
  SIDECARSET_UPGRADABLE,
  SidecarSetKind,
  type SidecarSet,
  type SidecarSetCondition,
} from "@kruise/api";
import {
  ControllerRevisionKind,
  NamespaceKind,
  PodKind,
  formatKubeTime,
  isNotFound,
  patchStatusIfChanged,
  type BusEvent,
  type ReadOnly,
  type Reconciler,
} from "@kruise/sdk";
import {
  bumpRevisionNumber,
  createRevisionAvoidingCollisions,
  nextRevisionNumber,
  planUpdateRevision,
  truncateHistory,
} from "@kruise/workload";
import { changedEvent, upgradedEvent } from "./events.ts";
import { sidecarSetHash, sidecarSetHashWithoutImage } from "./injection/hash.ts";
import { sidecarSetSelectsPod } from "./injection/matching.ts";
import { injectedSidecarSets, readHashAnnotation } from "./injection/pod-annotations.ts";
import { customVersionOf, desiredRevision, revisionsOf, sidecarSetHistory } from "./revisions.ts";
import { findConflict } from "./upgrade/conflicts.ts";
import { hotUpgradeReset } from "./upgrade/hot-upgrade.ts";
import {
  currentImageIDs,
  inPlaceUpdateState,
  sidecarContainersInPod,
  upgradePatch,
} from "./upgrade/pod-upgrade.ts";
import { computeStatus } from "./upgrade/status.ts";
import { planUpgrade } from "./upgrade/upgrade-plan.ts";
import type { SidecarSetHashes } from "./upgrade/pod-state.ts";

export interface SidecarSetDeps {
  /** Where revisions live (the controller's namespace). */
  namespace: string;
  publish(e: BusEvent): void;
}

const CONFLICT = "Conflict";

/** Pods the SidecarSet has injected and still selects (OpenKruise's matched pods). */
export function matchedPods(
  ss: ReadOnly<SidecarSet>,
  pods: readonly ReadOnly<Pod>[],
  namespaceLabels: (ns: string) => Readonly<Record<string, string>> | undefined,
): ReadOnly<Pod>[] {
  const name = ss.metadata?.name ?? "";
  const sidecars = (ss.spec?.containers ?? []).map((c) => c.name);
  return pods.filter((p) => {
    if (!isPodActive(p) || !injectedSidecarSets(p).includes(name)) return false;
    if (!sidecarSetSelectsPod(ss, p, namespaceLabels(p.metadata?.namespace ?? ""))) return false;
    const names = new Set((p.spec?.containers ?? []).map((c) => c.name));
    return sidecars.every((s) => names.has(s) || (names.has(`${s}-1`) && names.has(`${s}-2`)));
  });
}

export const reconcileSidecarSet: Reconciler<SidecarSetDeps> = async ({ name }, ctx, deps) => {
  const { cache, client, recorder, log, clock } = ctx;
  const ss = cache.get(SidecarSetKind, undefined, name);
  if (!ss) return;
  const hashes: SidecarSetHashes = { hash: sidecarSetHash(ss), withoutImage: sidecarSetHashWithoutImage(ss) };
  const now = formatKubeTime(clock.now());

  // Revision of the current spec.
  const revisions = revisionsOf(cache, deps.namespace, name);
  let collisionCount = ss.status?.collisionCount ?? 0;
  let desired = desiredRevision(ss, deps.namespace, nextRevisionNumber(revisions as never));
  const revisionPlan = planUpdateRevision(revisions as ControllerRevision[], desired);
  let latest: ReadOnly<ControllerRevision> | undefined =
    revisionPlan.action === "create" ? undefined : revisionPlan.revision;
  if (revisionPlan.action === "bump") {
    // A rollback to an earlier spec: that revision becomes the newest again (OpenKruise renumbers it too).
    latest = await bumpRevisionNumber(client, revisionPlan.revision, revisionPlan.newRevisionNumber);
  }
  // The custom version follows the SidecarSet onto the revision it now uses.
  const custom = customVersionOf(ss);
  if (latest && custom && latest.metadata?.labels?.[SIDECARSET_CUSTOM_VERSION_LABEL] !== custom)
    latest = await client.patch(
      ControllerRevisionKind,
      latest.metadata?.name ?? "",
      deps.namespace,
      "merge",
      {
        metadata: { labels: { [SIDECARSET_CUSTOM_VERSION_LABEL]: custom } },
      },
    );
  if (!latest) {
    const made = await createRevisionAvoidingCollisions(
      client,
      (c) =>
        desiredRevision(
          { ...ss, status: { ...ss.status, collisionCount: c } },
          deps.namespace,
          desired.revision,
        ),
      collisionCount,
    );
    latest = made.revision;
    collisionCount = made.collisionCount;
    desired = made.revision;
    deps.publish(changedEvent(name, ss.metadata?.uid ?? "", hashes.hash, made.revision.metadata?.name ?? ""));
  }

  // Conflict with an older SidecarSet: a condition and an Event, only when it changes.
  const conflict = findConflict(ss, cache.list(SidecarSetKind));
  const previous = ss.status?.conditions?.find((c) => c.type === CONFLICT);
  let conditions = (ss.status?.conditions ?? []).filter((c) => c.type !== CONFLICT) as SidecarSetCondition[];
  if (conflict) {
    const same = previous?.status === "True" && previous.message === conflict;
    conditions = [
      ...conditions,
      same
        ? previous
        : {
            type: CONFLICT,
            status: "True",
            reason: "ContainerNameConflict",
            message: conflict,
            lastTransitionTime: now,
          },
    ];
    if (!same) recorder.event(ss as never, "Warning", "SidecarSetConflict", conflict);
  }

  const nsLabels = (ns: string): Readonly<Record<string, string>> | undefined =>
    cache.get(NamespaceKind, undefined, ns)?.metadata?.labels;
  const pods = matchedPods(ss, cache.list(PodKind), nsLabels);

  // Only revisionHistoryLimit revisions are kept; none that the latest, a pod or the injection pin still uses.
  const podRevisions = new Set(
    pods
      .map((p) => readHashAnnotation(p, SIDECARSET_HASH_ANNOTATION)[name]?.controllerRevision)
      .filter((r): r is string => !!r),
  );
  const allRevisions = revisions.some((r) => r.metadata?.name === latest.metadata?.name)
    ? revisions
    : [...revisions, latest];
  await truncateHistory(
    client,
    sidecarSetHistory(ss, allRevisions, latest.metadata?.name ?? "", podRevisions),
  );

  const sidecars = sidecarContainersInPod(ss);
  const plan = planUpgrade(ss, pods, hashes, sidecars);

  // Hot upgrades half-way: the new working twin is up, so the old one goes back to the empty image.
  for (const pod of plan.resetHotUpgrade) {
    const step = hotUpgradeReset(pod, ss);
    if (!step) continue;
    const state = inPlaceUpdateState(pod, name, hashes.hash, now, currentImageIDs(pod, step.changed), true);
    try {
      await client.patch(PodKind, pod.metadata?.name ?? "", pod.metadata?.namespace, "strategic", {
        metadata: {
          annotations: { ...step.annotations, [SIDECARSET_INPLACE_UPDATE_STATE_ANNOTATION]: state },
        },
        spec: { containers: step.containers },
      });
      recorder.event(
        pod as never,
        "Normal",
        "ResetContainerSucceed",
        "reset sidecar container image empty successfully",
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  for (const pod of plan.upgrade) {
    const ns = pod.metadata?.namespace ?? "";
    const podName = pod.metadata?.name ?? "";
    try {
      await client.patch(
        PodKind,
        podName,
        ns,
        "strategic",
        upgradePatch(pod, ss, hashes, now, latest.metadata?.name),
      );
      deps.publish(upgradedEvent(name, ns, podName, pod.metadata?.uid ?? "", hashes.hash));
      log.info({ pod: `${ns}/${podName}` }, "sidecars upgraded in place");
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  // Pods that need more than new images are marked, once.
  const marked: string[] = [];
  for (const pod of plan.notUpgradable) {
    const c = pod.status?.conditions?.find((x) => x.type === SIDECARSET_UPGRADABLE);
    if (c?.status === "False") continue;
    try {
      await client.patchStatus(PodKind, pod.metadata?.name ?? "", pod.metadata?.namespace, "strategic", {
        status: {
          conditions: [
            {
              type: SIDECARSET_UPGRADABLE,
              status: "False",
              reason: "UpdateImmutableField",
              message: `SidecarSet ${name} changed more than container images; the pod gets the new sidecars when it is recreated`,
              lastTransitionTime: now,
            },
          ],
        },
      });
      marked.push(`${pod.metadata?.namespace}/${pod.metadata?.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  if (marked.length > 0)
    recorder.event(
      ss as never,
      "Normal",
      "NotUpgradablePods",
      `pods ${marked.join(", ")} cannot be upgraded in place: the SidecarSet changed more than images`,
    );

  const status = computeStatus(ss, pods, hashes, sidecars, {
    latestRevision: latest.metadata?.name ?? "",
    collisionCount,
    conditions,
  });
  await patchStatusIfChanged(client, SidecarSetKind, ss, status);
};
