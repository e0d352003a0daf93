import { describe, expect, it } from "vitest";
import { aQuestion } from "../testing/fixtures";
import { authorLabel, groupQuestions, openQuestionCount } from "./questions";

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

describe("authorLabel", () => {
  it("names the asker as the viewer may know them", () => {
    const named = aQuestion(2, { author_name: "Grace", anonymous: false });
    const hidden = aQuestion(3, { author_name: "Grace", anonymous: true });
    expect(authorLabel(named, false, false)).toBe("Grace");
    expect(authorLabel(hidden, false, false)).toBe("Anonymous");
    expect(authorLabel(hidden, false, true)).toBe("Grace (anonymous to students)");
    expect(authorLabel(hidden, true, false)).toBe("You (anonymously)");
    expect(authorLabel(named, true, false)).toBe("You");
  });
});
