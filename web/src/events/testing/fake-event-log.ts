/**
 * A fake of the api's per-session event log, for tests only: events are appended with
 * consecutive seqs, and `page` answers like `GET /events?after=&limit=`.
 */
import { SESSION_ID } from "../../api/testing/fixtures";
import type { EventEnvelope, EventPage } from "../../api/types";
import type { FeedEvent } from "../frames";

export function anEvent(seq: number, type: string, payload: Record<string, unknown> = {}): EventEnvelope {
  return {
    session_id: SESSION_ID,
    seq,
    type,
    occurred_at: new Date(Date.UTC(2026, 10, 25, 10, 0, seq)).toISOString(),
    actor_id: null,
    audience: "all",
    payload,
  };
}

export class FakeEventLog {
  readonly events: FeedEvent[] = [];
  /** Every `after` that `page` was asked for, in order. */
  readonly fetches: number[] = [];

  get head(): number {
    return this.events.length;
  }

  append(type: string, payload: Record<string, unknown> = {}): EventEnvelope {
    const event = anEvent(this.head + 1, type, payload);
    this.events.push(event);
    return event;
  }

  /** An event this reader may not see: only its place in the sequence shows. */
  appendFiltered(): FeedEvent {
    const event: FeedEvent = { seq: this.head + 1, type: "gap.filtered" };
    this.events.push(event);
    return event;
  }

  at(seq: number): FeedEvent {
    const event = this.events[seq - 1];
    if (event === undefined) throw new Error(`FakeEventLog has no seq ${seq}`);
    return event;
  }

  page(after: number, limit = 200): EventPage {
    this.fetches.push(after);
    const items = this.events.filter((event) => event.seq > after).slice(0, limit);
    const last = items.at(-1)?.seq ?? after;
    return { items, head: this.head, next_after: last < this.head ? last : null };
  }
}
