import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { counterIn, gaugeIn, histogramIn } from "../metrics/registry.ts";

/** controller-runtime's webhook metrics, labelled by webhook path (its `webhook` label). */
export interface WebhookMetrics {
  requests: Counter<"webhook" | "code">;
  latency: Histogram<"webhook">;
  inFlight: Gauge<"webhook">;
}

export function webhookMetrics(registry: Registry): WebhookMetrics {
  return {
    requests: counterIn(registry, {
      name: "controller_runtime_webhook_requests_total",
      help: "Total number of admission requests by HTTP status code.",
      labelNames: ["webhook", "code"],
    }),
    latency: histogramIn(registry, {
      name: "controller_runtime_webhook_latency_seconds",
      help: "Histogram of the latency of processing admission requests",
      labelNames: ["webhook"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    inFlight: gaugeIn(registry, {
      name: "controller_runtime_webhook_requests_in_flight",
      help: "Current number of admission requests being served.",
      labelNames: ["webhook"],
    }),
  };
}
