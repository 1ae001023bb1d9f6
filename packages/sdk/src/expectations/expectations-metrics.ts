import type { Registry } from "prom-client";
import { gaugeIn } from "../metrics/registry.ts";

/** Something whose oldest unsatisfied expectation can be measured at scrape time. */
export interface AgeProbe {
  name: string;
  type: "scale" | "resource_version";
  oldestUnsatisfiedSeconds(): number;
}

const probesByRegistry = new WeakMap<Registry, Set<AgeProbe>>();

/** Registers probe under `expectations_oldest_unsatisfied_seconds{name,type}`; returns the unregister function. */
export function registerAgeProbe(registry: Registry, probe: AgeProbe): () => void {
  let probes = probesByRegistry.get(registry);
  if (!probes) {
    const live = new Set<AgeProbe>();
    probes = live;
    probesByRegistry.set(registry, live);
    gaugeIn(registry, {
      name: "expectations_oldest_unsatisfied_seconds",
      help: "Age of the oldest expectation not yet satisfied by the cache. A value near the timeout means a leak.",
      labelNames: ["name", "type"],
      collect() {
        for (const p of live) this.set({ name: p.name, type: p.type }, p.oldestUnsatisfiedSeconds());
      },
    });
  }
  probes.add(probe);
  return () => probes.delete(probe);
}
