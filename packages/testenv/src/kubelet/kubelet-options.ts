export interface NodeCapacity {
  cpu: string;
  memory: string;
  pods: string;
  "ephemeral-storage": string;
}

export interface KubeletOptions {
  /** Milliseconds every image pull takes (per-pod annotation overrides). Default 0. */
  pullDelayMs: number;
  /** How often a crash-looping container "restarts" (restartCount + 1). Default 1000. */
  crashLoopIntervalMs: number;
  /** Status writes and deletes in flight at once, across all nodes. Default 32. */
  maxConcurrentWrites: number;
  /** Node Lease renewal period. Default 10 s (the kubelet's). */
  leaseRenewIntervalMs: number;
  /** Capacity = allocatable of every node. Default cpu 32, memory 128Gi, pods 250. */
  capacity: NodeCapacity;
  /** Node names are `${nodeNamePrefix}${i}`. Default "testenv-node-". */
  nodeNamePrefix: string;
}

export const DEFAULT_KUBELET_OPTIONS: KubeletOptions = {
  pullDelayMs: 0,
  crashLoopIntervalMs: 1_000,
  maxConcurrentWrites: 32,
  leaseRenewIntervalMs: 10_000,
  capacity: { cpu: "32", memory: "128Gi", pods: "250", "ephemeral-storage": "500Gi" },
  nodeNamePrefix: "testenv-node-",
};

export function resolveKubeletOptions(partial: Partial<KubeletOptions> = {}): KubeletOptions {
  const options: KubeletOptions = {
    ...DEFAULT_KUBELET_OPTIONS,
    ...partial,
    capacity: { ...DEFAULT_KUBELET_OPTIONS.capacity, ...partial.capacity },
  };
  for (const key of [
    "pullDelayMs",
    "crashLoopIntervalMs",
    "maxConcurrentWrites",
    "leaseRenewIntervalMs",
  ] as const) {
    if (!Number.isFinite(options[key]) || options[key] < 0) {
      throw new Error(`testenv: kubelet.${key} must be a number >= 0, got ${String(options[key])}`);
    }
  }
  if (options.maxConcurrentWrites < 1)
    throw new Error("testenv: kubelet.maxConcurrentWrites must be at least 1");
  return options;
}
