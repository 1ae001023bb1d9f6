import type { Client, Clock, ReconcileContext, Recorder, ResourceVersionExpectations } from "@kruise/sdk";

/**
 * The one narrow dependency type of the workload kit (OpenKruise's inplaceupdate-style I/O): what the pod refresh
 * loop, the update executor and pod release need. A controller builds it once per reconcile from its
 * ReconcileContext (client, recorder, clock, logger with the reconcile's fields) and its own pod version
 * expectations; `onStep` turns the steps into bus events.
 */
export interface WorkloadDeps {
  readonly client: Client;
  readonly recorder: Recorder;
  readonly clock: Clock;
  readonly log: ReconcileContext["log"];
  /** Every pod write is expected here, so the next reconcile waits for the cache to show it. */
  readonly podVersions: ResourceVersionExpectations;
  /** Told about every step the kit carried out; never throws back into the kit (publishing is fire-and-forget). */
  readonly onStep?: ((step: WorkloadStep) => void) | undefined;
}

/** A step the kit carried out on a pod, for observability and cross-controller triggers. */
export type WorkloadStep =
  | {
      readonly type: "pod-updated-in-place";
      readonly pod: string;
      readonly podUid: string;
      readonly revision: string;
      /** Container name → new image. */
      readonly images: Readonly<Record<string, string>>;
    }
  | { readonly type: "pod-released"; readonly pod: string; readonly podUid: string };
