import { describe, expect, it } from "vitest";
import { clampSeconds, fasterSpeed, parseStartParam, slowerSpeed, speedLabel, startSeconds } from "./playback";

describe("speeds", () => {
  it("steps through 0.75× to 2× and stops at both ends", () => {
    expect(fasterSpeed(1)).toBe(1.25);
    expect(fasterSpeed(1.75)).toBe(2);
    expect(fasterSpeed(2)).toBe(2);
    expect(slowerSpeed(1)).toBe(0.75);
    expect(slowerSpeed(0.75)).toBe(0.75);
    expect(slowerSpeed(2)).toBe(1.75);
  });

  it("moves from a speed off the list to the nearest one in that direction", () => {
    expect(fasterSpeed(1.1)).toBe(1.25);
    expect(slowerSpeed(1.1)).toBe(1);
    expect(fasterSpeed(5)).toBe(2);
    expect(slowerSpeed(0.5)).toBe(0.75);
  });

  it("labels a speed", () => {
    expect(speedLabel(1)).toBe("1×");
    expect(speedLabel(1.25)).toBe("1.25×");
  });
});

describe("parseStartParam", () => {
  it("reads seconds, clock times and unit times", () => {
    expect(parseStartParam("90")).toBe(90);
    expect(parseStartParam("90.5")).toBe(90.5);
    expect(parseStartParam("1:30")).toBe(90);
    expect(parseStartParam("1:02:03")).toBe(3723);
    expect(parseStartParam("1h2m3s")).toBe(3723);
    expect(parseStartParam("2m")).toBe(120);
    expect(parseStartParam("45s")).toBe(45);
    expect(parseStartParam(" 30 ")).toBe(30);
  });

  it("ignores what it cannot read", () => {
    expect(parseStartParam(null)).toBeNull();
    expect(parseStartParam("")).toBeNull();
    expect(parseStartParam("soon")).toBeNull();
    expect(parseStartParam("-5")).toBeNull();
    expect(parseStartParam("h")).toBeNull();
  });
});

describe("startSeconds", () => {
  it("lets the link's time win over the saved place", () => {
    expect(startSeconds({ linkSeconds: 30, positionMs: 120_000, durationMs: 600_000 })).toBe(30);
    expect(startSeconds({ linkSeconds: 0, positionMs: 120_000, durationMs: 600_000 })).toBe(0);
  });

  it("resumes at the saved place, or starts at the beginning", () => {
    expect(startSeconds({ linkSeconds: null, positionMs: 120_500, durationMs: 600_000 })).toBe(120.5);
    expect(startSeconds({ linkSeconds: null, positionMs: null, durationMs: 600_000 })).toBe(0);
  });

  it("starts again when the saved place is at the very end", () => {
    expect(startSeconds({ linkSeconds: null, positionMs: 595_000, durationMs: 600_000 })).toBe(0);
  });

  it("keeps a link past the end inside the recording", () => {
    expect(startSeconds({ linkSeconds: 9_999, positionMs: null, durationMs: 600_000 })).toBe(600);
    expect(startSeconds({ linkSeconds: 9_999, positionMs: null, durationMs: null })).toBe(9_999);
  });

  it("clamps", () => {
    expect(clampSeconds(-3, 10)).toBe(0);
    expect(clampSeconds(Number.NaN, 10)).toBe(0);
    expect(clampSeconds(11, 10)).toBe(10);
    expect(clampSeconds(5, null)).toBe(5);
  });
});
