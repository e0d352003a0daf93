import { describe, expect, it } from "vitest";
import { formatAgo, formatElapsed, formatMinutes } from "./format-duration";

describe("formatElapsed", () => {
  it("shows a running clock", () => {
    expect(formatElapsed(0)).toBe("00:00:00");
    expect(formatElapsed(42_999)).toBe("00:00:42");
    expect(formatElapsed((42 * 60 + 10) * 1000)).toBe("00:42:10");
    expect(formatElapsed((3 * 3600 + 5) * 1000)).toBe("03:00:05");
    expect(formatElapsed(-5_000)).toBe("00:00:00");
  });
});

describe("formatAgo", () => {
  it("says how long ago, coarser as time passes", () => {
    expect(formatAgo(1_500)).toBe("just now");
    expect(formatAgo(12_000)).toBe("12 s ago");
    expect(formatAgo(61_000)).toBe("1 min ago");
    expect(formatAgo(3_600_000)).toBe("1 h ago");
    expect(formatAgo(3_900_000)).toBe("1 h 5 min ago");
  });
});

describe("formatMinutes", () => {
  it("shows a planned length", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(60)).toBe("1 h");
    expect(formatMinutes(90)).toBe("1 h 30 min");
  });
});
