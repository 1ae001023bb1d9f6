export { defaultRegistry, counterIn, gaugeIn, histogramIn, exponentialBuckets } from "./registry.ts";
