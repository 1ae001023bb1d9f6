export interface OutboxEntry {
  id: string;
  subject: string;
  payload: Uint8Array;
}

/**
 * Events waiting for a JetStream acknowledgement, oldest first. Bounded: when full, the oldest entry is
 * dropped, since the newest events describe the current state best and subscribers resync anyway.
 * A ring buffer, so pushing and taking are O(1) even at the default 10,000 entries.
 */
export class Outbox {
  private readonly ring: (OutboxEntry | undefined)[];
  private head = 0;
  private count = 0;
  private readonly onDrop: (dropped: number) => void;

  constructor(limit: number, onDrop: (dropped: number) => void) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`EventBus: outboxLimit must be a positive integer, got ${limit}`);
    this.ring = new Array<OutboxEntry | undefined>(limit);
    this.onDrop = onDrop;
  }

  get size(): number {
    return this.count;
  }

  get limit(): number {
    return this.ring.length;
  }

  push(entry: OutboxEntry): void {
    if (this.count === this.ring.length) {
      this.takeFront(1);
      this.onDrop(1);
    }
    this.ring[(this.head + this.count) % this.ring.length] = entry;
    this.count++;
  }

  /** Removes and returns up to n of the oldest entries. */
  takeFront(n: number): OutboxEntry[] {
    const taken: OutboxEntry[] = [];
    while (taken.length < n && this.count > 0) {
      taken.push(this.ring[this.head]!);
      this.ring[this.head] = undefined;
      this.head = (this.head + 1) % this.ring.length;
      this.count--;
    }
    return taken;
  }

  /**
   * Puts entries whose publish failed back in front, keeping their order. If that overflows, the oldest
   * go first, which are these returned entries themselves.
   */
  returnFront(entries: OutboxEntry[]): void {
    const room = this.ring.length - this.count;
    const kept = entries.length > room ? entries.slice(entries.length - room) : entries;
    if (kept.length < entries.length) this.onDrop(entries.length - kept.length);
    for (let i = kept.length - 1; i >= 0; i--) {
      this.head = (this.head - 1 + this.ring.length) % this.ring.length;
      this.ring[this.head] = kept[i];
      this.count++;
    }
  }
}
