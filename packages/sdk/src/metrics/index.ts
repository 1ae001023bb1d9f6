export {
  defaultRegistry,
  counterIn,
  gaugeIn,
  histogramIn,
  exponentialBuckets,
  metricFamily,
} from "./registry.ts";
export type { MetricFamily } from "./registry.ts";
