import { describe, expect, it } from "vitest";
import { describeRosterSync, describeScoresPosted } from "./lms-results";

describe("LMS results", () => {
  it("says what a roster sync changed", () => {
    expect(describeRosterSync({ set_roles: 2, removed: 1 })).toBe("2 added or updated, 1 removed.");
    expect(describeRosterSync({ set_roles: 0, removed: 0 })).toBe("The roster already matches the LMS.");
  });

  it("counts the scores sent", () => {
    expect(describeScoresPosted({ posted: 1 })).toBe("1 score sent to the LMS gradebook.");
    expect(describeScoresPosted({ posted: 3 })).toBe("3 scores sent to the LMS gradebook.");
    expect(describeScoresPosted({ posted: 0 })).toBe("No LMS students to send scores for.");
  });
});
