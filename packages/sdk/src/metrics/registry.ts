import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from "prom-client";

/**
 * The registry SDK pieces use when none is passed. A Manager creates its own registry and hands it to every piece
 * it builds, so two managers in one process (as in tests) never collide.
 */
export const defaultRegistry: Registry = new Registry();

/** The metric registered under `name` in the registry, or the one `create` registers on first use. */
function registeredOnce<M>(registry: Registry, name: string, create: () => M): M {
  const existing = registry.getSingleMetric(name);
  return existing ? (existing as M) : create();
}

/**
 * Returns the counter registered under config.name in the registry, creating it on first use. Metrics are shared by
 * name, the way controller-runtime's global metrics are: many queues or controllers share one metric, told apart by
 * labels.
 */
export function counterIn<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, "registers">,
): Counter<L> {
  return registeredOnce(registry, config.name, () => new Counter<L>({ ...config, registers: [registry] }));
}

/** Like counterIn, for gauges. */
export function gaugeIn<L extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<L>, "registers">,
): Gauge<L> {
  return registeredOnce(registry, config.name, () => new Gauge<L>({ ...config, registers: [registry] }));
}

/** Like counterIn, for histograms. */
export function histogramIn<L extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<L>, "registers">,
): Histogram<L> {
  return registeredOnce(registry, config.name, () => new Histogram<L>({ ...config, registers: [registry] }));
}

/**
 * The metrics of one family, e.g. controller-runtime's controller metrics: every metric carries the family's `labels`
 * (first, e.g. `controller`) and may add its own. Each is shared by name in the registry, as with counterIn.
 */
export interface MetricFamily<K extends string> {
  counter<E extends string = never>(name: string, help: string, extraLabels?: readonly E[]): Counter<K | E>;
  gauge<E extends string = never>(name: string, help: string, extraLabels?: readonly E[]): Gauge<K | E>;
  histogram<E extends string = never>(
    name: string,
    help: string,
    buckets: number[],
    extraLabels?: readonly E[],
  ): Histogram<K | E>;
}

/** A MetricFamily in `registry` whose metrics are all labelled by `labels`. */
export function metricFamily<K extends string>(registry: Registry, labels: readonly K[]): MetricFamily<K> {
  const labelNames = <E extends string>(extra: readonly E[]): (K | E)[] => [...labels, ...extra];
  return {
    counter: (name, help, extra = []) => counterIn(registry, { name, help, labelNames: labelNames(extra) }),
    gauge: (name, help, extra = []) => gaugeIn(registry, { name, help, labelNames: labelNames(extra) }),
    histogram: (name, help, buckets, extra = []) =>
      histogramIn(registry, { name, help, labelNames: labelNames(extra), buckets }),
  };
}

/** Exponential histogram buckets: count buckets from start, each factor times the previous. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}
