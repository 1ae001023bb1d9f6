import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { exponentialBuckets, gaugeIn, metricFamily } from "../metrics/registry.ts";

/** What a queue reports on scrape for the gauges that are computed rather than counted. */
export interface QueueProbe {
  name: string;
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

/** controller-runtime's workqueue metrics, labelled by queue name. */
export interface QueueMetrics {
  depth: Gauge<"name">;
  adds: Counter<"name">;
  queueDuration: Histogram<"name">;
  workDuration: Histogram<"name">;
  retries: Counter<"name">;
  register(probe: QueueProbe): () => void;
}

const probesByRegistry = new WeakMap<Registry, Set<QueueProbe>>();

export function queueMetrics(registry: Registry): QueueMetrics {
  let probes = probesByRegistry.get(registry);
  if (!probes) {
    probes = new Set();
    probesByRegistry.set(registry, probes);
  }
  const live = probes;
  const buckets = exponentialBuckets(1e-8, 10, 10);
  const family = metricFamily(registry, ["name"]);
  const metrics: QueueMetrics = {
    depth: family.gauge("workqueue_depth", "Current depth of workqueue"),
    adds: family.counter("workqueue_adds_total", "Total number of adds handled by workqueue"),
    queueDuration: family.histogram(
      "workqueue_queue_duration_seconds",
      "How long in seconds an item stays in workqueue before being requested",
      buckets,
    ),
    workDuration: family.histogram(
      "workqueue_work_duration_seconds",
      "How long in seconds processing an item from workqueue takes.",
      buckets,
    ),
    retries: family.counter("workqueue_retries_total", "Total number of retries handled by workqueue"),
    register(probe) {
      live.add(probe);
      return () => live.delete(probe);
    },
  };
  gaugeIn(registry, {
    name: "workqueue_unfinished_work_seconds",
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
    labelNames: ["name"],
    collect() {
      for (const p of live) this.set({ name: p.name }, p.unfinishedWorkSeconds());
    },
  });
  gaugeIn(registry, {
    name: "workqueue_longest_running_processor_seconds",
    help: "How many seconds has the longest running processor for workqueue been running.",
    labelNames: ["name"],
    collect() {
      for (const p of live) this.set({ name: p.name }, p.longestRunningProcessorSeconds());
    },
  });
  return metrics;
}
