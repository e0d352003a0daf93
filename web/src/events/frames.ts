/**
 * What arrives on a session's live socket, read from raw text into typed frames.
 *
 * The server sends a `welcome` after the client's `hello`, `ping` heartbeats, and the
 * session's events: full envelopes, or `{seq, type: "gap.filtered"}` for an event this
 * client may not see (so a filtered event is never mistaken for a lost one).
 */
import type { EventEnvelope, FilteredEvent, SessionRole } from "../api/types";
import { SESSION_ROLE_VALUES } from "./event-catalog.gen";

/** One entry of the session's sequence, as `/events` and the socket deliver it. */
export type FeedEvent = EventEnvelope | FilteredEvent;

export type ServerFrame =
  | { kind: "welcome"; head: number; role: SessionRole | null }
  | { kind: "ping" }
  | { kind: "event"; event: FeedEvent }
  /** Valid JSON we do not know: kept as a sign of life, otherwise ignored. */
  | { kind: "unknown" };

export function isFiltered(event: FeedEvent): event is FilteredEvent {
  return event.type === "gap.filtered";
}

/** The client's first frame: who it is and the last seq it has applied. */
export function helloFrame(token: string, after: number): string {
  return JSON.stringify({ type: "hello", token, after });
}

/** A fresh access token for an open socket, sent before the current one expires. */
export function tokenFrame(token: string): string {
  return JSON.stringify({ type: "token", token });
}

/**
 * When a JWT expires (its `exp`), in milliseconds since the epoch; null when the token
 * is not a JWT with an `exp`. Read without verifying: it only schedules the renewal.
 */
export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (payload === undefined) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp: unknown = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Reads one socket message; null when it is not JSON at all. */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "unknown" };
  const frame = value as Record<string, unknown>;
  const type = frame.type;
  if (type === "welcome" && isSeq(frame.head)) {
    return { kind: "welcome", head: frame.head, role: isRole(frame.role) ? frame.role : null };
  }
  if (type === "ping") return { kind: "ping" };
  if (typeof type === "string" && isSeq(frame.seq) && frame.seq > 0) {
    if (type === "gap.filtered") return { kind: "event", event: { seq: frame.seq, type } };
    if (typeof frame.payload === "object" && frame.payload !== null) {
      return { kind: "event", event: value as EventEnvelope };
    }
  }
  return { kind: "unknown" };
}

function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function isRole(value: unknown): value is SessionRole {
  return SESSION_ROLE_VALUES.includes(value as SessionRole);
}
