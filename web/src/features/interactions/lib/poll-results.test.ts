import { describe, expect, it } from "vitest";
import { aPoll } from "../testing/fixtures";
import { pollResults, votesCast } from "./poll-results";

describe("pollResults", () => {
  it("gives each option its count and share, the right answer and my vote", () => {
    const poll = aPoll({ counts: { a: 3, b: 1 }, total_votes: 4, correct_option_ids: ["a"], my_vote: ["b"] });
    expect(pollResults(poll)).toEqual([
      { id: "a", text: "Calvin cycle", count: 3, percent: 75, correct: true, mine: false },
      { id: "b", text: "Light reactions", count: 1, percent: 25, correct: false, mine: true },
    ]);
    expect(votesCast(poll)).toBe(4);
  });

  it("shares multiple-choice counts among the people who voted", () => {
    const poll = aPoll({ kind: "multiple", counts: { a: 2, b: 1 }, total_votes: 2 });
    expect(pollResults(poll).map((option) => option.percent)).toEqual([100, 50]);
  });

  it("is all zeros before anyone votes", () => {
    expect(pollResults(aPoll()).map((option) => [option.count, option.percent])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(votesCast(aPoll())).toBe(0);
  });
});
