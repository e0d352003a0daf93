import { describe, expect, it } from "vitest";
import { MAX_FLOATS_PER_BURST, describeBurst, floatsFor } from "./reactions";

describe("floatsFor", () => {
  const half = () => 0.5;

  it("draws one float per tap in a small burst", () => {
    const floats = floatsFor(7, { "👍": 2, "🎉": 1 }, half);
    expect(floats.map((float) => float.emoji)).toEqual(["👍", "👍", "🎉"]);
    expect(new Set(floats.map((float) => float.key)).size).toBe(3);
    expect(floats[0]).toMatchObject({ left: 50, delay: 450 });
  });

  it("caps a big burst, keeping every emoji that was tapped", () => {
    const floats = floatsFor(8, { "👍": 500, "❓": 1 }, half);
    expect(floats.length).toBeLessThanOrEqual(MAX_FLOATS_PER_BURST);
    expect(floats.some((float) => float.emoji === "❓")).toBe(true);
  });

  it("draws nothing for an empty burst", () => {
    expect(floatsFor(9, { "👍": 0 })).toEqual([]);
  });
});

describe("describeBurst", () => {
  it("lists the counts", () => {
    expect(describeBurst({ "👍": 8, "❤️": 3, "😮": 0 })).toBe("Thumbs up 8 · Heart 3");
  });
});
