import type { Logger } from "pino";
import type { KubeObject } from "../client/types.ts";
import type { Clock } from "../clock/clock.ts";
import { realClock } from "../clock/real-clock.ts";
import { defaultRegistry } from "../metrics/registry.ts";
import { DEFAULT_EXPECTATION_TIMEOUT_MS, registerAgeProbe } from "./expectations-metrics.ts";
import type { ExpectationsOptions } from "./scale-expectations.ts";

/**
 * After writing an object, a controller expects its cache to show that write (resourceVersion >= the one the
 * server returned) before trusting the cached copy again; until then satisfied() is false. Keyed by object UID.
 * resourceVersions are compared as integers, which etcd-backed servers produce; a non-numeric one counts as seen.
 */
export class ResourceVersionExpectations {
  private readonly expected = new Map<string, { rv: bigint; since: number }>();
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly log: Logger | undefined;
  private readonly unregister: () => void;

  constructor(options: ExpectationsOptions) {
    this.clock = options.clock ?? realClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_EXPECTATION_TIMEOUT_MS;
    this.log = options.log;
    this.unregister = registerAgeProbe(options.registry ?? defaultRegistry, {
      name: options.name,
      type: "resource_version",
      clock: this.clock,
      outstanding: () => this.expected.values(),
    });
  }

  /** Expect the cache to show obj (as the server returned it from a write) or something newer. */
  expect(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    const rv = parseRv(obj.metadata?.resourceVersion);
    if (!uid || rv === undefined) return;
    const current = this.expected.get(uid);
    if (!current || rv > current.rv)
      this.expected.set(uid, { rv, since: current?.since ?? this.clock.now() });
  }

  /** Feed every informer add/update: clears the expectation once the cache caught up. */
  observe(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const e = this.expected.get(uid);
    if (!e) return;
    const rv = parseRv(obj.metadata?.resourceVersion);
    if (rv === undefined || rv >= e.rv) this.expected.delete(uid);
  }

  /** True when the cached obj is at least as new as expected, nothing is expected, or the expectation timed out. */
  satisfied(obj: KubeObject): boolean {
    const uid = obj.metadata?.uid;
    if (!uid) return true;
    const e = this.expected.get(uid);
    if (!e) return true;
    const rv = parseRv(obj.metadata?.resourceVersion);
    if (rv === undefined || rv >= e.rv) {
      this.expected.delete(uid);
      return true;
    }
    if (this.clock.now() - e.since >= this.timeoutMs) {
      this.log?.warn({ uid, expected: String(e.rv) }, "resourceVersion expectation timed out; dropping it");
      this.expected.delete(uid);
      return true;
    }
    return false;
  }

  /** Forgets the object (it was deleted). */
  delete(uid: string): void {
    this.expected.delete(uid);
  }

  close(): void {
    this.unregister();
  }
}

function parseRv(rv: string | undefined): bigint | undefined {
  if (!rv || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}
