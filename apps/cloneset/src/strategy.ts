import type { CloneSet } from "@kruise/api";
import { CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL } from "@kruise/api";
import { MAX_INT32 } from "@kruise/sdk";
import {
  DEFAULT_REVISION_HISTORY_LIMIT,
  type Lifecycle,
  type ScaleStrategyParams,
  type UpdateStrategyParams,
} from "@kruise/workload";

/**
 * The v1alpha1 CloneSet spec mapped onto @kruise/workload's shape-independent parameters. v1alpha1 folds the
 * pod update policy into `updateStrategy.type`; OnDelete (which a v1beta1 CloneSet converts to) updates no pod,
 * every other type is a rolling update with that policy. `disablePVCReuse` is the inverse of workload's `enablePVCReuse`, and excludePreparingDelete is a
 * label on the CloneSet in v1alpha1 (or the process-wide flag).
 */
export interface CloneSetParams {
  readonly replicas: number;
  readonly update: UpdateStrategyParams;
  readonly scale: ScaleStrategyParams;
  readonly minReadySeconds: number;
  readonly lifecycle: Lifecycle | undefined;
  readonly revisionHistoryLimit: number;
  readonly progressDeadlineSeconds: number | undefined;
}

export function cloneSetParams(
  cs: CloneSet,
  options: { excludePreparingDeleteByDefault?: boolean } = {},
): CloneSetParams {
  const spec = cs.spec;
  const u = spec?.updateStrategy ?? {};
  const s = spec?.scaleStrategy ?? {};
  const update: UpdateStrategyParams = {
    type: u.type === "OnDelete" ? "OnDelete" : "RollingUpdate",
    podUpdatePolicy: u.type === undefined || u.type === "OnDelete" ? "ReCreate" : u.type,
    ...(u.partition !== undefined ? { partition: u.partition } : {}),
    ...(u.maxUnavailable !== undefined ? { maxUnavailable: u.maxUnavailable } : {}),
    ...(u.maxSurge !== undefined ? { maxSurge: u.maxSurge } : {}),
    ...(u.paused !== undefined ? { paused: u.paused } : {}),
    ...(u.priorityStrategy !== undefined ? { priorityStrategy: u.priorityStrategy } : {}),
    ...(u.scatterStrategy !== undefined ? { scatterStrategy: u.scatterStrategy } : {}),
    ...(u.inPlaceUpdateStrategy !== undefined ? { inPlaceUpdateStrategy: u.inPlaceUpdateStrategy } : {}),
  };
  const excludeLabel = cs.metadata?.labels?.[CLONESET_SCALING_EXCLUDE_PREPARING_DELETE_LABEL];
  const scale: ScaleStrategyParams = {
    ...(s.podsToDelete !== undefined ? { podsToDelete: [...s.podsToDelete] } : {}),
    ...(s.maxUnavailable !== undefined ? { maxUnavailable: s.maxUnavailable } : {}),
    enablePVCReuse: s.disablePVCReuse !== true,
    excludePreparingDelete:
      excludeLabel === "true" ||
      (excludeLabel === undefined && options.excludePreparingDeleteByDefault === true),
  };
  const deadline = spec?.progressDeadlineSeconds;
  return {
    replicas: spec?.replicas ?? 1,
    update,
    scale,
    minReadySeconds: spec?.minReadySeconds ?? 0,
    lifecycle: spec?.lifecycle,
    revisionHistoryLimit: spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT,
    progressDeadlineSeconds: deadline === undefined || deadline === MAX_INT32 ? undefined : deadline,
  };
}
