/**
 * A session's events in seq order, each once: the next one is delivered (and whatever was
 * held back behind it), one at or below the last delivered is a duplicate and is dropped,
 * and one that skips ahead waits until the gap before it is filled. `SessionFeed` fills
 * gaps from `/events`; this module only keeps the order.
 */
export class SeqOrder<E extends { seq: number }> {
  /** Events that arrived ahead of a gap, by seq. */
  private readonly heldBack = new Map<number, E>();
  private readonly lastSeq: () => number;
  private readonly deliver: (event: E) => void;

  /** `lastSeq` is the last seq delivered; `deliver` must move it to the event's seq. */
  constructor(lastSeq: () => number, deliver: (event: E) => void) {
    this.lastSeq = lastSeq;
    this.deliver = deliver;
  }

  /** There is a gap: some events wait for the ones before them. */
  get waiting(): boolean {
    return this.heldBack.size > 0;
  }

  /** Takes an event; false when it waits behind a gap. */
  receive(event: E): boolean {
    const next = this.lastSeq() + 1;
    if (event.seq < next) return true;
    if (event.seq === next) {
      this.deliver(event);
      this.release();
      return true;
    }
    this.heldBack.set(event.seq, event);
    return false;
  }

  /** Delivers what the last delivery made contiguous, and forgets what is behind it. */
  release(): void {
    for (;;) {
      const event = this.heldBack.get(this.lastSeq() + 1);
      if (event === undefined) break;
      this.heldBack.delete(event.seq);
      this.deliver(event);
    }
    for (const seq of this.heldBack.keys()) if (seq <= this.lastSeq()) this.heldBack.delete(seq);
  }

  clear(): void {
    this.heldBack.clear();
  }
}
