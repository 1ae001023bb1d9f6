import { ExpectationsBase, type ExpectationsOptions } from "./expectations-base.ts";

export type { ExpectationsOptions } from "./expectations-base.ts";

interface Pending {
  creations: Set<string>;
  deletions: Set<string>;
  /** When the oldest outstanding expectation was set. */
  since: number;
}

/**
 * Remembers creates and deletes a controller has made that its cache has not shown yet, by object name, per
 * controller key. Until they are seen, satisfied() is false and the reconciler must not act on the (stale) count;
 * this is what keeps a workload from creating the same pod twice. Expectations older than the timeout are dropped
 * (and logged): a leak costs one timeout of delay, never a stuck key.
 */
export class ScaleExpectations extends ExpectationsBase {
  private readonly pending = new Map<string, Pending>();

  constructor(options: ExpectationsOptions) {
    super(options, "scale");
  }

  protected entries(): Iterable<{ since: number }> {
    return this.pending.values();
  }

  /** Records that the controller of key is creating the named objects. Call before issuing the creates. */
  expectCreations(key: string, names: readonly string[]): void {
    // Expecting nothing must leave nothing outstanding (an empty entry would never settle).
    if (names.length === 0) return;
    const p = this.entry(key);
    for (const n of names) p.creations.add(n);
  }

  /** Records that the controller of key is deleting the named objects. Call before issuing the deletes. */
  expectDeletions(key: string, names: readonly string[]): void {
    if (names.length === 0) return;
    const p = this.entry(key);
    for (const n of names) p.deletions.add(n);
  }

  /** The cache saw the named object created (informer add). Also call it when a create failed, to lower the expectation. */
  creationObserved(key: string, name: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    p.creations.delete(name);
    this.settle(key, p);
  }

  /** The cache saw the named object deleted (or it got a deletionTimestamp). Also call it when a delete failed. */
  deletionObserved(key: string, name: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    p.deletions.delete(name);
    this.settle(key, p);
  }

  /** True when nothing is outstanding for key, or what was outstanding has timed out (and is now dropped). */
  satisfied(key: string): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if (this.clock.now() - p.since >= this.timeoutMs) {
      this.log?.warn(
        { key, creations: [...p.creations], deletions: [...p.deletions], timeoutMs: this.timeoutMs },
        "scale expectations timed out; the cache never showed these writes, dropping them",
      );
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  /** What is still outstanding for key. */
  outstanding(key: string): { creations: string[]; deletions: string[] } {
    const p = this.pending.get(key);
    return { creations: p ? [...p.creations] : [], deletions: p ? [...p.deletions] : [] };
  }

  /** Forgets key entirely (its owner was deleted). */
  delete(key: string): void {
    this.pending.delete(key);
  }

  private entry(key: string): Pending {
    let p = this.pending.get(key);
    if (!p) {
      p = { creations: new Set(), deletions: new Set(), since: this.clock.now() };
      this.pending.set(key, p);
    }
    return p;
  }

  private settle(key: string, p: Pending): void {
    if (p.creations.size === 0 && p.deletions.size === 0) this.pending.delete(key);
  }
}
