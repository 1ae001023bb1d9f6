import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { defaultRegistry } from "../metrics/registry.ts";
import { DEFAULT_EXPECTATION_TIMEOUT_MS, registerAgeProbe, type AgeProbe } from "./expectations-metrics.ts";

export interface ExpectationsOptions {
  /** Metric label; usually the controller name. */
  name: string;
  /** After this long an unobserved expectation is dropped, so a lost watch event cannot block a key forever. Default 5 min. */
  timeoutMs?: number;
  clock?: Clock;
  registry?: Registry;
  log?: Logger;
}

/**
 * What both kinds of expectations share: the clock, the timeout after which an entry is dropped, the logger for
 * that drop, and the `expectations_oldest_unsatisfied_seconds` probe.
 *
 * Guarantees: the probe is registered on construction and reports `outstanding()` at each scrape until close().
 */
export abstract class ExpectationsBase {
  protected readonly clock: Clock;
  protected readonly timeoutMs: number;
  protected readonly log: Logger | undefined;
  private readonly unregister: () => void;

  protected constructor(options: ExpectationsOptions, type: AgeProbe["type"]) {
    this.clock = options.clock ?? realClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_EXPECTATION_TIMEOUT_MS;
    this.log = options.log;
    this.unregister = registerAgeProbe(options.registry ?? defaultRegistry, {
      name: options.name,
      type,
      clock: this.clock,
      outstanding: () => this.entries(),
    });
  }

  /** The outstanding entries, each with the time it was first expected (read by the age probe). */
  protected abstract entries(): Iterable<{ since: number }>;

  /** Stops reporting the metric. */
  close(): void {
    this.unregister();
  }
}
