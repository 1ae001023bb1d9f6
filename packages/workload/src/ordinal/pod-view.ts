/**
 * What the ordinal plans need to know about one existing pod, computed once by the caller from the Pod (and
 * the clock), so the plans stay pure tables.
 */
export interface OrdinalPod {
  readonly name: string;
  readonly ordinal: number;
  /** Has a deletionTimestamp. */
  readonly terminating: boolean;
  /** Phase Failed or Succeeded: the pod is deleted and recreated. */
  readonly finished: boolean;
  /** Running and Ready. */
  readonly runningAndReady: boolean;
  /**
   * Running, Ready for minReadySeconds, lifecycle Normal (or none) and no in-place update in flight: what the
   * update and Parallel-scale budgets count as available.
   */
  readonly available: boolean;
  /** At the update revision. */
  readonly updated: boolean;
  /** Labelled `apps.kruise.io/specified-delete`. */
  readonly specifiedDelete?: boolean;
}
