import { describe, expect, it } from "vitest";
import { asCounts, asScene, isPositiveInt, oneOf } from "./payload-values";

describe("payload values", () => {
  it("takes a value of a known set, else the fallback", () => {
    expect(oneOf(["open", "closed"], "closed", "open")).toBe("closed");
    expect(oneOf(["open", "closed"], "exploded", "open")).toBe("open");
    expect(oneOf(["open", "closed"], 3, "open")).toBe("open");
  });

  it("takes counts only when every one is a whole number", () => {
    expect(asCounts({ a: 2, b: 0 })).toEqual({ a: 2, b: 0 });
    expect(asCounts({ a: 2, b: -1 })).toBeNull();
    expect(asCounts([1, 2])).toBeNull();
  });

  it("reads a scene, filling what an older api left out, and refuses an unknown layout", () => {
    expect(asScene({ id: "s1", name: "Board", layout: "whiteboard", position: 2 })).toEqual({
      id: "s1",
      session_id: "",
      name: "Board",
      layout: "whiteboard",
      position: 2,
      config: {},
    });
    expect(asScene({ id: "s1", name: "Board", layout: "hologram", position: 2 })).toBeNull();
    expect(isPositiveInt(0)).toBe(false);
    expect(isPositiveInt(1)).toBe(true);
  });
});
