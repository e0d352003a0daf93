import { describe, expect, it } from "vitest";
import { aQuestion } from "../testing/fixtures";
import { groupQuestions, openQuestionCount } from "./questions";

describe("groupQuestions", () => {
  const questions = [
    aQuestion(2, { upvotes: 1 }),
    aQuestion(3, { upvotes: 4 }),
    aQuestion(4, { upvotes: 1, status: "answered" }),
    aQuestion(5, { upvotes: 1 }),
    aQuestion(6, { status: "dismissed" }),
  ];

  it("orders by votes, then the oldest first", () => {
    expect(groupQuestions(questions, false).open.map((question) => question.seq)).toEqual([3, 2, 5]);
  });

  it("keeps answered apart, and dismissed ones for staff only", () => {
    expect(groupQuestions(questions, false).answered.map((question) => question.seq)).toEqual([4]);
    expect(groupQuestions(questions, false).dismissed).toEqual([]);
    expect(groupQuestions(questions, true).dismissed.map((question) => question.seq)).toEqual([6]);
  });

  it("counts open questions", () => {
    expect(openQuestionCount(questions)).toBe(3);
  });
});
