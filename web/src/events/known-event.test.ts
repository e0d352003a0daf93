import { describe, expect, it } from "vitest";
import { EVENT_TYPES } from "./event-catalog.gen";
import { isKnownEventType, knownEvent } from "./known-event";
import { anEvent } from "./testing/fake-event-log";

describe("knownEvent", () => {
  it("keeps an event whose type the catalog has, as it is", () => {
    const event = anEvent(3, "studio.slide_changed", { page_no: 4 });
    const known = knownEvent(event);
    expect(known).toBe(event);
    expect(known?.type === "studio.slide_changed" ? known.payload.page_no : null).toBe(4);
  });

  it("leaves out types the catalog does not have", () => {
    expect(knownEvent(anEvent(4, "studio.hologram_shown", {}))).toBeNull();
    expect(knownEvent({ type: "gap.filtered", payload: {} })).toBeNull();
  });

  it("knows every type of the catalog, and only those", () => {
    expect(EVENT_TYPES.length).toBeGreaterThan(40);
    expect(EVENT_TYPES.every(isKnownEventType)).toBe(true);
    expect(isKnownEventType("poll.closed_public")).toBe(false);
  });
});
