import type { KubeObject } from "../client/types.ts";
import { ExpectationsBase, type ExpectationsOptions } from "./expectations-base.ts";

/**
 * After writing an object, a controller expects its cache to show that write (resourceVersion >= the one the
 * server returned) before trusting the cached copy again; until then satisfied() is false. Keyed by object UID.
 * resourceVersions are compared as integers, which etcd-backed servers produce; a non-numeric one counts as seen.
 */
export class ResourceVersionExpectations extends ExpectationsBase {
  private readonly expected = new Map<string, { rv: bigint; since: number }>();

  constructor(options: ExpectationsOptions) {
    super(options, "resource_version");
  }

  protected entries(): Iterable<{ since: number }> {
    return this.expected.values();
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
}

function parseRv(rv: string | undefined): bigint | undefined {
  if (!rv || !/^\d+$/.test(rv)) return undefined;
  return BigInt(rv);
}
