import { describe, expect, it } from "vitest";
import { type PollDraft, addOption, emptyPollDraft, removeOption, toPollCreate, toggleCorrect, validatePollDraft } from "./poll-draft";

describe("poll drafts", () => {
  const filled = { ...emptyPollDraft(), question: " Which? ", options: [" Calvin ", "Light", "Both"] };

  it("becomes a trimmed request; right answers only for a quiz", () => {
    expect(toPollCreate(filled)).toEqual({
      question: "Which?",
      kind: "single",
      options: ["Calvin", "Light", "Both"],
      anonymous: false,
    });
    const quiz = toggleCorrect({ ...filled, kind: "quiz" }, 2);
    expect(toPollCreate(quiz).correct_option_indexes).toEqual([2]);
  });

  it("asks for a question, filled and distinct options, and a quiz's right answer", () => {
    expect(validatePollDraft(emptyPollDraft())).toEqual({
      question: "Write the question students will answer.",
      options: "Fill in every option, or remove the empty ones.",
    });
    expect(validatePollDraft({ ...filled, options: ["Same", "same"] }).options).toBe("Two options say the same thing.");
    expect(validatePollDraft({ ...filled, kind: "quiz" }).correct).toBe("Mark the right answer.");
    expect(validatePollDraft(filled)).toEqual({});
  });

  it("keeps 2 to 10 options, and right answers on the same texts when one is removed", () => {
    const two = emptyPollDraft();
    expect(removeOption(two, 0)).toBe(two);
    let draft: PollDraft = { ...filled, kind: "quiz", correct: [2] };
    draft = removeOption(draft, 0);
    expect(draft.options).toEqual(["Light", "Both"]);
    expect(draft.correct).toEqual([1]);
    let many = emptyPollDraft();
    for (let index = 0; index < 12; index++) many = addOption(many);
    expect(many.options).toHaveLength(10);
  });
});
