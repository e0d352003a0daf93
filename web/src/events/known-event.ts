/**
 * An event read against the api's catalog (`event-catalog.gen.ts`, generated from
 * docs/contracts/events.json): its `type` is one the catalog has, and its payload's
 * fields are the ones the catalog names for that type.
 *
 * The values are still `unknown`: reducers check each field before applying it, because
 * a snapshot can meet a log written by an api of another version, and a malformed field
 * must change nothing rather than break the screen. What the generated types buy is the
 * names: a field the catalog renames or drops is a type error in the reducer that reads it.
 */
import { EVENT_TYPES, type EventPayloads, type EventType } from "./event-catalog.gen";

/** Every field a payload of this type may have (any variant's), each still to be checked. */
export type Unchecked<Payload> = { readonly [Field in FieldOf<Payload>]?: unknown };

type FieldOf<Payload> = Payload extends unknown ? keyof Payload : never;

/** `type` and `payload` of a catalog event, narrowed together by `type`. */
export type KnownEvent = { [T in EventType]: { type: T; payload: Unchecked<EventPayloads[T]> } }[EventType];

const KNOWN: ReadonlySet<string> = new Set(EVENT_TYPES);

export function isKnownEventType(type: string): type is EventType {
  return KNOWN.has(type);
}

/**
 * The event with its payload typed by its `type`; null for a type the catalog does not
 * have (a newer api's, or `gap.filtered`), which a reducer then leaves alone.
 */
export function knownEvent<E extends { type: string; payload: Record<string, unknown> }>(
  event: E,
): (Omit<E, "type" | "payload"> & KnownEvent) | null {
  return isKnownEventType(event.type) ? (event as unknown as Omit<E, "type" | "payload"> & KnownEvent) : null;
}
