import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { metricFamily } from "../metrics/registry.ts";

/** controller-runtime's controller metrics, labelled by controller name. */
export interface ControllerMetrics {
  reconcileTotal: Counter<"controller" | "result">;
  reconcileErrors: Counter<"controller">;
  terminalErrors: Counter<"controller">;
  reconcileTime: Histogram<"controller">;
  activeWorkers: Gauge<"controller">;
  maxConcurrentReconciles: Gauge<"controller">;
}

export function controllerMetrics(registry: Registry): ControllerMetrics {
  const family = metricFamily(registry, ["controller"]);
  return {
    reconcileTotal: family.counter(
      "controller_runtime_reconcile_total",
      "Total number of reconciliations per controller",
      ["result"],
    ),
    reconcileErrors: family.counter(
      "controller_runtime_reconcile_errors_total",
      "Total number of reconciliation errors per controller",
    ),
    terminalErrors: family.counter(
      "controller_runtime_terminal_reconcile_errors_total",
      "Total number of terminal reconciliation errors per controller",
    ),
    reconcileTime: family.histogram(
      "controller_runtime_reconcile_time_seconds",
      "Length of time per reconciliation per controller",
      [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1,
        1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
      ],
    ),
    activeWorkers: family.gauge(
      "controller_runtime_active_workers",
      "Number of currently used workers per controller",
    ),
    maxConcurrentReconciles: family.gauge(
      "controller_runtime_max_concurrent_reconciles",
      "Maximum number of concurrent reconciles per controller",
    ),
  };
}
