/**
 * The last N event ids a subscriber delivered. JetStream redelivers a message whose ack was lost (for
 * example across a NATS restart); remembering recent ids keeps such a redelivery from reaching the callback twice.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly order: string[] = [];
  private next = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Records id; false if it was already seen. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    if (this.order.length < this.limit) {
      this.order.push(id);
    } else {
      this.ids.delete(this.order[this.next]!);
      this.order[this.next] = id;
      this.next = (this.next + 1) % this.limit;
    }
    this.ids.add(id);
    return true;
  }
}
