import type { Counter, Histogram, Registry } from "prom-client";
import { counterIn, exponentialBuckets, histogramIn } from "../metrics/registry.ts";

/** client-go's REST client metrics, with the same names and labels. */
export interface RestMetrics {
  requests: Counter<"code" | "method" | "host">;
  duration: Histogram<"verb" | "host">;
}

export function restMetrics(registry: Registry): RestMetrics {
  return {
    requests: counterIn(registry, {
      name: "rest_client_requests_total",
      help: "Number of HTTP requests, partitioned by status code, method, and host.",
      labelNames: ["code", "method", "host"],
    }),
    duration: histogramIn(registry, {
      name: "rest_client_request_duration_seconds",
      help: "Request latency in seconds. Broken down by verb and host.",
      labelNames: ["verb", "host"],
      buckets: exponentialBuckets(0.005, 2, 12),
    }),
  };
}
