export { WorkQueue } from "./work-queue.ts";
export type { WorkQueueOptions, Priority } from "./work-queue.ts";
export { RetryRateLimiter } from "./rate-limiter.ts";
export type { RateLimiterOptions } from "./rate-limiter.ts";
