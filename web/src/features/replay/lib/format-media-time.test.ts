import { describe, expect, it } from "vitest";
import { describeMediaTime, formatMediaTime } from "./format-media-time";

describe("formatMediaTime", () => {
  it("shows minutes and seconds, and hours when there are some", () => {
    expect(formatMediaTime(0)).toBe("0:00");
    expect(formatMediaTime(7_999)).toBe("0:07");
    expect(formatMediaTime(271_000)).toBe("4:31");
    expect(formatMediaTime(3_723_000)).toBe("1:02:03");
  });

  it("counts negative and broken times as zero", () => {
    expect(formatMediaTime(-5_000)).toBe("0:00");
    expect(formatMediaTime(Number.NaN)).toBe("0:00");
  });
});

describe("describeMediaTime", () => {
  it("says the time in words", () => {
    expect(describeMediaTime(3_723_000)).toBe("1 hour 2 minutes 3 seconds");
    expect(describeMediaTime(60_000)).toBe("1 minute");
    expect(describeMediaTime(0)).toBe("0 seconds");
  });
});
