import { describe, expect, it } from "vitest";
import { aCourseSearchHit } from "../testing/fixtures";
import { groupHitsByClass } from "./course-search";

describe("groupHitsByClass", () => {
  it("groups hits by class, best class first, each class's hits in time order", () => {
    const groups = groupHitsByClass([
      aCourseSearchHit({ session_id: "s2", session_title: "Week 4", start_ms: 50_000, rank: 0.9 }),
      aCourseSearchHit({ session_id: "s1", session_title: "Week 3", start_ms: 70_000, rank: 0.8 }),
      aCourseSearchHit({ session_id: "s2", session_title: "Week 4", start_ms: 10_000, rank: 0.2 }),
    ]);
    expect(groups.map((group) => group.title)).toEqual(["Week 4", "Week 3"]);
    expect(groups[0]?.hits.map((hit) => hit.start_ms)).toEqual([10_000, 50_000]);
  });

  it("is empty without hits", () => {
    expect(groupHitsByClass([])).toEqual([]);
  });
});
