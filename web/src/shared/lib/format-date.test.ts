import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatTime } from "./format-date";

describe("formatDate", () => {
  it("formats in the given locale and zone", () => {
    expect(formatDate("2025-01-07T10:00:00Z", "en-GB", "UTC")).toBe("7 Jan 2025");
    expect(formatDateTime("2025-01-07T10:00:00Z", "en-GB", "UTC")).toBe("7 Jan 2025, 10:00");
    expect(formatTime("2025-01-07T10:30:00Z", "en-GB", "UTC")).toBe("10:30");
  });

  it("shows an unparseable value as it came", () => {
    expect(formatDate("not a date")).toBe("not a date");
  });
});
