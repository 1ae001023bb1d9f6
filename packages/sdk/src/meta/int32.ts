/**
 * The largest Kubernetes int32 (Go's math.MaxInt32). Kubernetes uses it as "unlimited" (a Job's parallelism, a
 * Deployment's progressDeadlineSeconds), and it is also the longest delay a Node.js timer holds (2^31-1 ms).
 */
export const MAX_INT32 = 2147483647;
