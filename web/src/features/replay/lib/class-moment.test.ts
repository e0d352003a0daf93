import { describe, expect, it } from "vitest";
import { aHighlight, aReplayPoll, aReplayQuestion } from "../testing/fixtures";
import { asPoll, byId, describeHighlight, pollStateAt, pollTurnout, questionsAt } from "./class-moment";

describe("questionsAt", () => {
  const asked = [
    aReplayQuestion({ id: "q1", asked_ms: 10_000, upvotes: 1, answered_ms: 50_000, answer_text: "Energy." }),
    aReplayQuestion({ id: "q2", asked_ms: 20_000, upvotes: 5, answered_ms: null }),
    aReplayQuestion({ id: "q3", asked_ms: 90_000, upvotes: 9 }),
  ];

  it("shows the questions asked by then, most upvoted first", () => {
    expect(questionsAt(asked, 2, 30_000).map((entry) => entry.question.id)).toEqual(["q2", "q1"]);
    expect(questionsAt(asked, 0, 0)).toEqual([]);
  });

  it("shows an answer only once it was given", () => {
    expect(questionsAt(asked, 2, 49_999).find((entry) => entry.question.id === "q1")?.answered).toBe(false);
    expect(questionsAt(asked, 2, 50_000).find((entry) => entry.question.id === "q1")?.answered).toBe(true);
    expect(questionsAt(asked, 2, 1e9).find((entry) => entry.question.id === "q2")?.answered).toBe(false);
  });
});

describe("pollStateAt", () => {
  it("is not yet, open, then closed — at the exact moments", () => {
    const poll = { opened_ms: 40_000, closed_ms: 80_000 };
    expect(pollStateAt(poll, 39_999)).toBe("not-yet");
    expect(pollStateAt(poll, 40_000)).toBe("open");
    expect(pollStateAt(poll, 79_999)).toBe("open");
    expect(pollStateAt(poll, 80_000)).toBe("closed");
    expect(pollStateAt({ opened_ms: 40_000, closed_ms: null }, 1e9)).toBe("open");
  });
});

describe("asPoll", () => {
  it("reads a replayed poll as a closed poll for the results view", () => {
    const poll = asPoll(aReplayPoll({ kind: "quiz", correct_option_ids: ["o1"] }));
    expect(poll).toMatchObject({
      status: "closed",
      kind: "quiz",
      options: [
        { id: "o1", text: "Calvin cycle" },
        { id: "o2", text: "Light reactions" },
      ],
      counts: { o1: 3, o2: 1 },
      my_vote: null,
      results_visible: true,
    });
    expect(asPoll(aReplayPoll({ kind: "ranked" as never })).kind).toBe("single");
    expect(asPoll(aReplayPoll({ counts: null })).results_visible).toBe(false);
  });
});

describe("highlights", () => {
  const questions = byId([aReplayQuestion({ id: "question-1", upvotes: 12, answered_ms: 1_060_000 })]);
  const polls = byId([aReplayPoll({ id: "poll-1" })]);

  it("gives a question its votes and where it was answered", () => {
    expect(describeHighlight(aHighlight(), questions, polls)).toMatchObject({
      label: "Question",
      detail: "12 votes · answered at 17:40",
      answeredMs: 1_060_000,
    });
    const unanswered = byId([aReplayQuestion({ id: "question-1", upvotes: 1, answered_ms: null })]);
    expect(describeHighlight(aHighlight(), unanswered, polls).detail).toBe("1 vote · not answered");
  });

  it("gives a poll how many voted (its title has the results)", () => {
    const view = describeHighlight(aHighlight({ kind: "poll", ref_id: "poll-1", title: "Which stage?" }), questions, polls);
    expect(view).toMatchObject({ label: "Poll results", detail: "4 votes" });
    expect(pollTurnout(aReplayPoll({ counts: null }))).toBe("results not shown");
    expect(pollTurnout(aReplayPoll({ counts: { o1: 1 }, total_votes: null }))).toBe("1 vote");
  });


  it("names peaks, and kinds it does not know", () => {
    expect(describeHighlight(aHighlight({ kind: "reaction_peak", ref_id: null }), questions, polls)).toMatchObject({
      label: "Reactions peaked",
      detail: null,
    });
    expect(describeHighlight(aHighlight({ kind: "bookmark" as never, ref_id: null }), questions, polls).label).toBe("Moment");
  });

});
