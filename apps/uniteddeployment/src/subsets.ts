// The subset workloads of one UnitedDeployment: find them, create the missing ones, delete the removed,
// duplicated and other-kind ones, and write those that differ (OpenKruise's manageSubsetProvision and
// manageSubsets). Every subset kind is driven through the API only.
import { UnitedDeploymentKind, type UnitedDeployment } from "@kruise/api";
import type { ReconcileContext } from "@kruise/sdk";
import { controllerRef, ignoreNotFound, parseKubeTime, thaw } from "@kruise/sdk";
import {
  applySubsetTemplate,
  subsetNameOf,
  subsetUpdateReason,
  SUBSET_WORKLOAD_TYPES,
  type SubsetView,
  type SubsetWorkloadObject,
  type SubsetWorkloadType,
} from "@kruise/workload";
import type { UnitedDeploymentDeps } from "./deps.ts";
import { UnitedEventReason } from "./events.ts";
import { SUBSET_KINDS } from "./subset-kinds.ts";

export interface SubsetRun {
  readonly ctx: ReconcileContext;
  readonly deps: UnitedDeploymentDeps;
  readonly ud: UnitedDeployment;
  /** `<namespace>/<name>`, the expectations key. */
  readonly key: string;
  readonly type: SubsetWorkloadType;
}

function owned(run: SubsetRun, type: SubsetWorkloadType): SubsetWorkloadObject[] {
  return run.ctx.cache.list(SUBSET_KINDS[type], {
    namespace: run.ud.metadata?.namespace ?? "",
    controllerUID: run.ud.metadata?.uid ?? "",
  }) as SubsetWorkloadObject[];
}

async function deleteSubset(
  run: SubsetRun,
  type: SubsetWorkloadType,
  obj: SubsetWorkloadObject,
): Promise<void> {
  await run.ctx.client
    .delete(SUBSET_KINDS[type], obj.metadata?.name ?? "", obj.metadata?.namespace, {
      propagationPolicy: "Background",
      // Only the object we decided about: a recreated one of the same name is left alone.
      preconditions: { uid: typeof obj.metadata?.["uid"] === "string" ? obj.metadata["uid"] : "" },
    })
    .catch(ignoreNotFound);
}

const byAge = (a: SubsetWorkloadObject, b: SubsetWorkloadObject): number =>
  (parseKubeTime(a.metadata?.["creationTimestamp"] as string | undefined) ?? 0) -
    (parseKubeTime(b.metadata?.["creationTimestamp"] as string | undefined) ?? 0) ||
  (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");

/**
 * The subset workloads of the template's kind that the UnitedDeployment controls, one per subset name: of
 * duplicates the oldest is kept and the others are deleted. `waiting` when the cache does not show one of our
 * writes yet.
 */
export async function ownedSubsets(
  run: SubsetRun,
): Promise<{ byName: Map<string, SubsetWorkloadObject>; waiting: boolean }> {
  const groups = new Map<string, SubsetWorkloadObject[]>();
  for (const obj of owned(run, run.type)) {
    if (!run.deps.subsetVersions.satisfied(obj)) return { byName: new Map(), waiting: true };
    const name = subsetNameOf(obj);
    if (name === undefined) continue;
    groups.set(name, [...(groups.get(name) ?? []), obj]);
  }
  const byName = new Map<string, SubsetWorkloadObject>();
  for (const [name, list] of groups) {
    const [keep, ...duplicates] = [...list].sort(byAge);
    if (keep !== undefined) byName.set(name, keep);
    for (const dup of duplicates) {
      run.ctx.log.info(
        { subset: name, workload: dup.metadata?.name },
        "deleting a duplicate subset workload",
      );
      try {
        await deleteSubset(run, run.type, dup);
      } catch (err) {
        run.ctx.recorder.event(
          run.ud,
          "Warning",
          UnitedEventReason.FailedDeleteDuplicatedSubsets,
          err instanceof Error ? err.message : String(err),
        );
        throw err;
      }
    }
  }
  return { byName, waiting: false };
}

function workloadInput(
  run: SubsetRun,
  subsetName: string,
  revision: string,
  replicas: number,
  partition: number,
): Parameters<typeof applySubsetTemplate>[0] {
  return {
    ud: run.ud,
    type: run.type,
    subsetName,
    revision,
    replicas,
    partition,
    owner: controllerRef(UnitedDeploymentKind, run.ud),
  };
}

/**
 * Creates the declared subsets that have no workload and deletes the workloads of subsets no longer declared.
 * `changed` when it did either. A creation is expected (by subset name) before it is sent, so a reconcile that
 * runs before the cache shows it waits instead of creating a second one.
 */
export async function provisionSubsets(
  run: SubsetRun,
  byName: ReadonlyMap<string, SubsetWorkloadObject>,
  nextReplicas: Readonly<Record<string, number>>,
  nextPartitions: Readonly<Record<string, number>>,
  revision: string,
): Promise<{ changed: boolean }> {
  const declared = (run.ud.spec?.topology?.subsets ?? []).map((s) => s.name);
  const creates = declared.filter((name) => !byName.has(name));
  const deletes = [...byName.keys()].filter((name) => !declared.includes(name)).sort();
  const errors: string[] = [];
  let created = 0;
  for (const name of creates) {
    const obj = applySubsetTemplate(
      workloadInput(run, name, revision, nextReplicas[name] ?? 0, nextPartitions[name] ?? 0),
    );
    run.deps.creations.expectCreations(run.key, [name]);
    try {
      await run.ctx.client.create(SUBSET_KINDS[run.type], obj);
      created++;
    } catch (err) {
      run.deps.creations.creationObserved(run.key, name);
      errors.push(
        `fail to create Subset (${run.type}) ${name}: ${err instanceof Error ? err.message : String(err)}`,
      );
      break; // OpenKruise's slow start stops at the first failure
    }
  }
  if (created > 0)
    run.ctx.recorder.event(
      run.ud,
      "Normal",
      UnitedEventReason.SuccessfulUpdateSubset,
      `Create ${created} Subset (${run.type})`,
    );
  let deleted = 0;
  for (const name of deletes) {
    const obj = byName.get(name);
    if (obj === undefined) continue;
    try {
      await deleteSubset(run, run.type, obj);
      deleted++;
    } catch (err) {
      errors.push(
        `fail to delete Subset (${run.type}) ${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""} for ${name}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }
  if (deleted > 0 && deleted === deletes.length)
    run.ctx.recorder.event(
      run.ud,
      "Normal",
      UnitedEventReason.SuccessfulUpdateSubset,
      `Delete ${deleted} Subset (${run.type})`,
    );
  if (errors.length > 0) throw new Error(errors.join("; "));
  return { changed: creates.length > 0 || deletes.length > 0 };
}

/** Deletes the workloads of the other three kinds the UnitedDeployment controls (its template kind changed). */
export async function deleteOtherTypes(run: SubsetRun): Promise<boolean> {
  let cleaned = false;
  for (const type of SUBSET_WORKLOAD_TYPES) {
    if (type === run.type || !run.deps.types.includes(type)) continue;
    for (const obj of owned(run, type)) {
      cleaned = true;
      await deleteSubset(run, type, obj);
    }
  }
  return cleaned;
}

/**
 * Writes every existing declared subset whose revision label, replicas, partition or patch annotation differs
 * from `next`: the template applied again onto the cached workload (an update guarded by its resourceVersion).
 */
export async function updateSubsets(
  run: SubsetRun,
  views: ReadonlyMap<string, SubsetView>,
  next: ReadonlyMap<string, { revision: string; replicas: number; partition: number; patch: string }>,
): Promise<void> {
  for (const [name, want] of next) {
    const view = views.get(name);
    if (view === undefined) continue;
    const reason = subsetUpdateReason(view, want);
    if (reason === undefined) continue;
    run.ctx.log.info(
      {
        subset: name,
        workload: view.object.metadata?.name,
        reason,
        replicas: want.replicas,
        partition: want.partition,
      },
      "updating subset workload",
    );
    const obj = applySubsetTemplate(
      workloadInput(run, name, want.revision, want.replicas, want.partition),
      thaw(view.object),
    );
    try {
      const written = await run.ctx.client.update(SUBSET_KINDS[run.type], obj);
      run.deps.subsetVersions.expect(written);
    } catch (err) {
      run.ctx.recorder.event(
        run.ud,
        "Warning",
        UnitedEventReason.FailedUpdateSubset,
        `Error updating PodSet (${run.type}) ${view.object.metadata?.name ?? ""} when updating: ${err instanceof Error ? err.message : String(err)}`,
      );
      throw err;
    }
  }
}
