import { describe, expect, it } from "vitest";
import { aSearchHit } from "../testing/fixtures";
import { hitKindLabel, hitOnEnter, hitsInTimeOrder, stepHit } from "./search-hits";

describe("hitsInTimeOrder", () => {
  it("orders best-first hits by time, the better first at the same moment, and drops repeats", () => {
    const hits = [
      aSearchHit({ kind: "slide", idx: null, ref_id: "s", start_ms: 90_000, rank: 0.9 }),
      aSearchHit({ kind: "transcript", idx: 2, start_ms: 8_000, rank: 0.4 }),
      aSearchHit({ kind: "chat", idx: null, ref_id: "m1", start_ms: 8_000, rank: 0.7 }),
      aSearchHit({ kind: "transcript", idx: 2, start_ms: 8_000, rank: 0.4 }),
    ];
    expect(hitsInTimeOrder(hits).map((hit) => `${hit.kind}@${hit.start_ms}`)).toEqual([
      "chat@8000",
      "transcript@8000",
      "slide@90000",
    ]);
  });
});

describe("hit navigation", () => {
  it("Enter goes to the first hit of new results", () => {
    expect(hitOnEnter(3, null, false)).toBe(0);
    expect(hitOnEnter(3, 2, false)).toBe(0);
    expect(hitOnEnter(3, null, true)).toBe(0);
  });

  it("Enter again on the same results goes to the next, wrapping", () => {
    expect(hitOnEnter(3, 0, true)).toBe(1);
    expect(hitOnEnter(3, 2, true)).toBe(0);
  });

  it("has nowhere to go without hits", () => {
    expect(hitOnEnter(0, null, false)).toBeNull();
    expect(stepHit(0, null, 1)).toBeNull();
    expect(stepHit(0, 0, -1)).toBeNull();
  });

  it("walks next and previous, wrapping at both ends", () => {
    expect(stepHit(3, 0, 1)).toBe(1);
    expect(stepHit(3, 2, 1)).toBe(0);
    expect(stepHit(3, 1, -1)).toBe(0);
    expect(stepHit(3, 0, -1)).toBe(2);
    expect(stepHit(1, 0, 1)).toBe(0);
  });

  it("starts from the first (next) or the last (previous) when none is chosen or the choice is stale", () => {
    expect(stepHit(3, null, 1)).toBe(0);
    expect(stepHit(3, null, -1)).toBe(2);
    expect(stepHit(3, 7, 1)).toBe(0);
  });
});

describe("hitKindLabel", () => {
  it("names each kind, and an unknown one plainly", () => {
    expect(hitKindLabel("transcript")).toBe("Said");
    expect(hitKindLabel("slide")).toBe("Slide");
    expect(hitKindLabel("whiteboard")).toBe("Match");
  });
});
