import { describe, expect, it } from "vitest";
import { helloFrame, isFiltered, parseServerFrame, tokenExpiry, tokenFrame } from "./frames";
import { anEvent } from "./testing/fake-event-log";

describe("parseServerFrame", () => {
  it("reads a welcome with its head and role", () => {
    expect(parseServerFrame('{"type":"welcome","head":12,"role":"participant"}')).toEqual({
      kind: "welcome",
      head: 12,
      role: "participant",
    });
    expect(parseServerFrame('{"type":"welcome","head":0,"role":"dean"}')).toEqual({
      kind: "welcome",
      head: 0,
      role: null,
    });
  });

  it("reads pings, envelopes and filtered gaps", () => {
    const event = anEvent(3, "session.started", { started_at: "2026-11-25T10:00:00Z" });
    expect(parseServerFrame('{"type":"ping"}')).toEqual({ kind: "ping" });
    expect(parseServerFrame(JSON.stringify(event))).toEqual({ kind: "event", event });
    const gap = parseServerFrame('{"seq":4,"type":"gap.filtered"}');
    expect(gap).toEqual({ kind: "event", event: { seq: 4, type: "gap.filtered" } });
    expect(gap?.kind === "event" && isFiltered(gap.event)).toBe(true);
  });

  it("keeps what it cannot read from becoming an event", () => {
    expect(parseServerFrame("not json")).toBeNull();
    expect(parseServerFrame(new ArrayBuffer(2))).toBeNull();
    expect(parseServerFrame("[1,2]")).toEqual({ kind: "unknown" });
    expect(parseServerFrame('{"type":"chat.message_posted","seq":"7","payload":{}}')).toEqual({ kind: "unknown" });
    expect(parseServerFrame('{"type":"chat.message_posted","seq":0,"payload":{}}')).toEqual({ kind: "unknown" });
    expect(parseServerFrame('{"type":"chat.message_posted","seq":2.5,"payload":{}}')).toEqual({ kind: "unknown" });
    expect(parseServerFrame('{"type":"chat.message_posted","seq":7}')).toEqual({ kind: "unknown" });
    expect(parseServerFrame('{"type":"future.thing"}')).toEqual({ kind: "unknown" });
  });
});

describe("helloFrame", () => {
  it("carries the token and the last applied seq, never in a URL", () => {
    expect(JSON.parse(helloFrame("jwt-abc", 41))).toEqual({ type: "hello", token: "jwt-abc", after: 41 });
  });
});

describe("tokenExpiry", () => {
  it("reads exp from a JWT's payload, in milliseconds", () => {
    const payload = btoa(JSON.stringify({ sub: "u1", exp: 1_700_000_000 })).replace(/=+$/, "");
    expect(tokenExpiry(`e30.${payload}.sig`)).toBe(1_700_000_000_000);
  });

  it("is null for anything else", () => {
    expect(tokenExpiry("opaque-token")).toBeNull();
    expect(tokenExpiry("a.%%%.c")).toBeNull();
    expect(tokenExpiry(`a.${btoa("{}")}.c`)).toBeNull();
  });
});

describe("tokenFrame", () => {
  it("carries the fresh token", () => {
    expect(JSON.parse(tokenFrame("jwt-2"))).toEqual({ type: "token", token: "jwt-2" });
  });
});
