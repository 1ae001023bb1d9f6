import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { counterIn, exponentialBuckets, gaugeIn, histogramIn } from "../metrics/registry.ts";

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
  const metrics: QueueMetrics = {
    depth: gaugeIn(registry, {
      name: "workqueue_depth",
      help: "Current depth of workqueue",
      labelNames: ["name"],
    }),
    adds: counterIn(registry, {
      name: "workqueue_adds_total",
      help: "Total number of adds handled by workqueue",
      labelNames: ["name"],
    }),
    queueDuration: histogramIn(registry, {
      name: "workqueue_queue_duration_seconds",
      help: "How long in seconds an item stays in workqueue before being requested",
      labelNames: ["name"],
      buckets,
    }),
    workDuration: histogramIn(registry, {
      name: "workqueue_work_duration_seconds",
      help: "How long in seconds processing an item from workqueue takes.",
      labelNames: ["name"],
      buckets,
    }),
    retries: counterIn(registry, {
      name: "workqueue_retries_total",
      help: "Total number of retries handled by workqueue",
      labelNames: ["name"],
    }),
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
