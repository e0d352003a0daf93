import { describe, expect, it } from "vitest";
import { ProblemError } from "../../../api/problem";
import { refusalOf, secondsLeft } from "./chat-problems";

const refused = (status: number, type: string, detail: string, retryAfter: number | null = null) =>
  new ProblemError({ type, title: type, status, detail }, retryAfter);

describe("refusalOf", () => {
  it("says how long slow mode asks to wait, and counts it down", () => {
    const refusal = refusalOf(refused(429, "slow-mode", "Slow mode is on.", 5), 1_000);
    expect(refusal).toEqual({ message: "Slow mode: wait 5 s before sending again.", retryAt: 6_000 });
    expect(secondsLeft(refusal, 2_500)).toBe(4);
    expect(secondsLeft(refusal, 7_000)).toBe(0);
  });

  it("adds the wait to a rate limit's sentence", () => {
    expect(refusalOf(refused(429, "rate-limited", "Too many messages.", 3), 0).message).toBe("Too many messages. Wait 3 s.");
  });

  it("shows a mute as the api words it, with nothing to count down", () => {
    expect(refusalOf(refused(403, "muted", "You are muted in this class until 10:32 UTC."), 0)).toEqual({
      message: "You are muted in this class until 10:32 UTC.",
      retryAt: null,
    });
  });
});
