import type { ResourceVersionExpectations, ScaleExpectations } from "@kruise/sdk";
import type { SubsetWorkloadType } from "@kruise/workload";

/** What every UnitedDeployment reconcile shares beyond the SDK's per-reconcile context. */
export interface UnitedDeploymentDeps {
  /** Subset workloads created but not yet in the cache, keyed by `<namespace>/<ud>`, one token per subset name. */
  readonly creations: ScaleExpectations;
  /** Subset workloads written but whose write the cache does not show yet. */
  readonly subsetVersions: ResourceVersionExpectations;
  /** The UnitedDeployment's own status writes that the cache does not show yet (by the UnitedDeployment's UID). */
  readonly ownStatusVersions: ResourceVersionExpectations;
  /** The subset kinds this controller watches (all four unless a kind's API is missing). */
  readonly types: readonly SubsetWorkloadType[];
}
