import { describe, expect, it } from "vitest";
import { aCourse } from "../../../api/testing/fixtures";
import { appendCourses, groupCourses } from "./group-courses";

describe("groupCourses", () => {
  it("puts staff roles under teaching and students under learning, keeping order", () => {
    const owned = aCourse({ id: "a", my_role: "owner" });
    const taking = aCourse({ id: "b", my_role: "student" });
    const assisting = aCourse({ id: "c", my_role: "ta" });
    const instructing = aCourse({ id: "d", my_role: "instructor" });

    const groups = groupCourses([owned, taking, assisting, instructing]);

    expect(groups.teaching.map((c) => c.id)).toEqual(["a", "c", "d"]);
    expect(groups.learning.map((c) => c.id)).toEqual(["b"]);
    expect(groups.archived).toEqual([]);
  });

  it("keeps archived courses apart", () => {
    const archived = aCourse({ id: "old", archived_at: "2024-06-01T00:00:00Z", my_role: "student" });
    expect(groupCourses([archived])).toEqual({ teaching: [], learning: [], archived: [archived] });
  });
});

describe("appendCourses", () => {
  it("adds the next page without repeating a course", () => {
    const shown = [aCourse({ id: "a" }), aCourse({ id: "b" })];
    const more = [aCourse({ id: "b" }), aCourse({ id: "c" })];
    expect(appendCourses(shown, more).map((c) => c.id)).toEqual(["a", "b", "c"]);
  });
});
