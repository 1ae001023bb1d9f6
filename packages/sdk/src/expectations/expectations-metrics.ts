import type { Registry } from "prom-client";
import type { Clock } from "../clock/clock.ts";
import { gaugeIn } from "../metrics/registry.ts";

/** After this long an unobserved expectation is dropped, unless the options say otherwise. */
export const DEFAULT_EXPECTATION_TIMEOUT_MS = 5 * 60_000;

/** Expectations whose oldest unsatisfied entry is measured at scrape time. */
export interface AgeProbe {
  name: string;
  type: "scale" | "resource_version";
  clock: Clock;
  /** The outstanding entries, each with the time it was first expected. */
  outstanding(): Iterable<{ since: number }>;
}

function oldestAgeSeconds(probe: AgeProbe): number {
  const now = probe.clock.now();
  let oldest = now;
  for (const e of probe.outstanding()) oldest = Math.min(oldest, e.since);
  return (now - oldest) / 1000;
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
        for (const p of live) this.set({ name: p.name, type: p.type }, oldestAgeSeconds(p));
      },
    });
  }
  probes.add(probe);
  return () => probes.delete(probe);
}
