import { describe, expect, it } from "vitest";
import { DEFAULT_BACKOFF, reconnectDelay } from "./backoff";

describe("reconnectDelay", () => {
  it("doubles the ceiling each attempt and waits in its upper half", () => {
    const lowest = () => 0;
    const highest = () => 0.999999;
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, lowest))).toEqual([500, 1000, 2000, 4000]);
    expect([0, 1, 2, 3].map((attempt) => reconnectDelay(attempt, highest))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("never waits longer than the maximum, however many attempts failed", () => {
    expect(reconnectDelay(5, () => 0.999999)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(reconnectDelay(500, () => 0.999999)).toBe(DEFAULT_BACKOFF.maxMs);
    expect(reconnectDelay(500, () => 0)).toBe(DEFAULT_BACKOFF.maxMs / 2);
  });

  it("spreads clients out with the random source", () => {
    const delays = [0.1, 0.5, 0.9].map((r) => reconnectDelay(2, () => r, { initialMs: 1000, maxMs: 60_000 }));
    expect(delays).toEqual([2200, 3000, 3800]);
  });
});
