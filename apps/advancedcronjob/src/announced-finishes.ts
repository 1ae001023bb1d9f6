/**
 * Child UIDs whose job-finished event arrived over NATS. The event can overtake the informer: the cron job is then
 * reconciled before its cache shows the child finished. Remembering the UID lets the informer's update for that
 * child (normally filtered out) trigger one more reconcile when it lands. Bounded, oldest first out, so events for
 * children this controller never sees cannot grow it without limit.
 */
export class AnnouncedFinishes {
  private readonly uids = new Set<string>();
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.limit) {
      const oldest = this.uids.values().next().value;
      if (oldest !== undefined) this.uids.delete(oldest);
    }
  }

  /** True (once) when the UID was announced. */
  take(uid: string): boolean {
    return this.uids.delete(uid);
  }
}
