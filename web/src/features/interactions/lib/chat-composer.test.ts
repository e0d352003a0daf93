import { describe, expect, it } from "vitest";
import { MAX_MESSAGE, composerView, formatSeconds } from "./chat-composer";

const idle = { body: "Hello", refusal: null, now: 1_000, sending: false, disabled: false };

describe("composerView", () => {
  it("sends a trimmed message that is not empty or too long", () => {
    expect(composerView({ ...idle, body: "  Hello \n" })).toMatchObject({ trimmed: "Hello", canSend: true, sendLabel: "Send" });
    expect(composerView({ ...idle, body: "   " }).canSend).toBe(false);
    const long = composerView({ ...idle, body: "x".repeat(MAX_MESSAGE + 1) });
    expect(long).toMatchObject({ tooLong: true, canSend: false });
  });

  it("waits out a refusal with a retry time, then forgets its sentence", () => {
    const refusal = { message: "Slow mode: wait 5 s before sending again.", retryAt: 6_000 };
    expect(composerView({ ...idle, refusal })).toMatchObject({
      wait: 5,
      canSend: false,
      sendLabel: "Wait 5 s",
      refusalMessage: refusal.message,
    });
    expect(composerView({ ...idle, refusal, now: 6_000 })).toMatchObject({ wait: 0, canSend: true, refusalMessage: null });
  });

  it("keeps a refusal without a wait until the next send, and sends nothing while muted or sending", () => {
    const refusal = { message: "You are muted.", retryAt: null };
    expect(composerView({ ...idle, refusal }).refusalMessage).toBe("You are muted.");
    expect(composerView({ ...idle, disabled: true }).canSend).toBe(false);
    expect(composerView({ ...idle, sending: true })).toMatchObject({ canSend: false, sendLabel: "Sending…" });
  });
});

describe("formatSeconds", () => {
  it("says seconds, minutes, or both", () => {
    expect(formatSeconds(30)).toBe("30 s");
    expect(formatSeconds(120)).toBe("2 min");
    expect(formatSeconds(90)).toBe("1 min 30 s");
  });
});
