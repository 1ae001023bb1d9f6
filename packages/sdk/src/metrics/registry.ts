import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from "prom-client";

/**
 * The registry SDK pieces use when none is passed. A Manager creates its own registry and hands it to every piece
 * it builds, so two managers in one process (as in tests) never collide.
 */
export const defaultRegistry: Registry = new Registry();

/**
 * Returns the counter registered under config.name in the registry, creating it on first use. Metrics are shared by
 * name, the way controller-runtime's global metrics are: many queues or controllers share one metric, told apart by
 * labels.
 */
export function counterIn<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, "registers">,
): Counter<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Counter<L>;
  return new Counter<L>({ ...config, registers: [registry] });
}

/** Like counterIn, for gauges. */
export function gaugeIn<L extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<L>, "registers">,
): Gauge<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge<L>({ ...config, registers: [registry] });
}

/** Like counterIn, for histograms. */
export function histogramIn<L extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<L>, "registers">,
): Histogram<L> {
  const existing = registry.getSingleMetric(config.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram<L>({ ...config, registers: [registry] });
}

/** Exponential histogram buckets: count buckets from start, each factor times the previous. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}
