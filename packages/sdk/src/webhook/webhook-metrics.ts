import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { metricFamily } from "../metrics/registry.ts";

/** controller-runtime's webhook metrics, labelled by webhook path (its `webhook` label). */
export interface WebhookMetrics {
  requests: Counter<"webhook" | "code">;
  latency: Histogram<"webhook">;
  inFlight: Gauge<"webhook">;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  const family = metricFamily(registry, ["webhook"]);
  return {
    requests: family.counter(
      "controller_runtime_webhook_requests_total",
      "Total number of admission requests by HTTP status code.",
      ["code"],
    ),
    latency: family.histogram(
      "controller_runtime_webhook_latency_seconds",
      "Histogram of the latency of processing admission requests",
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    inFlight: family.gauge(
      "controller_runtime_webhook_requests_in_flight",
      "Current number of admission requests being served.",
    ),
  };
}
