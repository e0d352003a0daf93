import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../api/types";
import { aChatMessage as aMessage, aPoll, aQuestion } from "../features/interactions/testing/fixtures";
import { EMPTY_CHAT, type InteractionSlices, interactionsOf, viewerMute } from "./interactions";
import { applyInteractionEvent, isInteractionEvent } from "./interactions-reducer";
import { anEvent } from "./testing/fake-event-log";

const withChat = (latest: ChatMessage[], extra: Partial<typeof EMPTY_CHAT> = {}): InteractionSlices => ({
  chat: { ...EMPTY_CHAT, latest, ...extra },
});

describe("isInteractionEvent", () => {
  it("claims chat, Q&A, poll and reactions events only", () => {
    expect(["chat.message_posted", "qa.vote_cast", "poll.tally", "reactions.burst"].every(isInteractionEvent)).toBe(true);
    expect(["session.started", "hand.raised", "studio.slide_changed", "gap.filtered"].some(isInteractionEvent)).toBe(false);
  });
});

describe("chat", () => {
  it("appends a posted message, once", () => {
    const state = withChat([aMessage(3)]);
    const posted = anEvent(4, "chat.message_posted", { message: aMessage(4) });
    const next = applyInteractionEvent(state, posted);
    expect(next.chat?.latest.map((message) => message.seq)).toEqual([3, 4]);
    expect(applyInteractionEvent(next, posted)).toBe(next);
  });

  it("creates the chat slice when the snapshot had none", () => {
    const next = applyInteractionEvent({}, anEvent(2, "chat.message_posted", { message: aMessage(2) }));
    expect(interactionsOf(next).chat.latest).toHaveLength(1);
  });

  it("ignores a malformed message", () => {
    const state = withChat([]);
    expect(applyInteractionEvent(state, anEvent(2, "chat.message_posted", { message: { id: 7 } }))).toBe(state);
  });

  it("erases a deleted message's text for everyone and unpins it", () => {
    const pinned = aMessage(3, { pinned: true });
    const state = withChat([pinned, aMessage(4)], { pinned: [pinned] });
    const next = applyInteractionEvent(state, anEvent(5, "chat.message_deleted", { message_id: "message-3", by: "user-ada" }));
    expect(next.chat?.latest[0]).toMatchObject({ id: "message-3", body: "", deleted: true, pinned: false });
    expect(next.chat?.pinned).toEqual([]);
  });

  it("pins (most recent first) and unpins", () => {
    const state = withChat([aMessage(3), aMessage(4)]);
    const one = applyInteractionEvent(state, anEvent(5, "chat.message_pinned", { message_id: "message-3", pinned: true }));
    const two = applyInteractionEvent(one, anEvent(6, "chat.message_pinned", { message_id: "message-4", pinned: true }));
    expect(two.chat?.pinned.map((message) => message.id)).toEqual(["message-4", "message-3"]);
    expect(two.chat?.latest.every((message) => message.pinned)).toBe(true);
    const unpinned = applyInteractionEvent(two, anEvent(7, "chat.message_pinned", { message_id: "message-4", pinned: false }));
    expect(unpinned.chat?.pinned.map((message) => message.id)).toEqual(["message-3"]);
  });

  it("remembers the latest deletion or pin per message, for messages outside the live list too", () => {
    const state = withChat([aMessage(3)]);
    const pinned = applyInteractionEvent(state, anEvent(5, "chat.message_pinned", { message_id: "message-1", pinned: true }));
    const deleted = applyInteractionEvent(pinned, anEvent(6, "chat.message_deleted", { message_id: "message-2", by: "user-ada" }));
    expect(interactionsOf(deleted).chatChanges).toEqual({
      "message-1": { seq: 5, deleted: false, pinned: true },
      "message-2": { seq: 6, deleted: true, pinned: false },
    });
    // A deletion is final.
    const late = applyInteractionEvent(deleted, anEvent(7, "chat.message_pinned", { message_id: "message-2", pinned: true }));
    expect(late.chat_changes?.["message-2"]).toEqual({ seq: 6, deleted: true, pinned: false });
    expect(interactionsOf(state).chatChanges).toEqual({});
  });

  it("sets slow mode", () => {
    const next = applyInteractionEvent(withChat([]), anEvent(2, "chat.slow_mode_set", { seconds: 30 }));
    expect(next.chat?.slow_mode_seconds).toBe(30);
  });

  it("tells the viewer of their mute, and of its end, over the snapshot", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    const state = withChat([]);
    expect(viewerMute(interactionsOf(state), "user-grace", now)).toBeNull();
    const muted = applyInteractionEvent(
      state,
      anEvent(2, "chat.user_muted", { user_id: "user-grace", until: "2026-11-25T10:05:00Z" }),
    );
    expect(viewerMute(interactionsOf(muted), "user-grace", now)).toEqual({ until: "2026-11-25T10:05:00Z" });
    expect(viewerMute(interactionsOf(muted), "user-alan", now)).toBeNull();
    // The mute is over once its time has passed.
    expect(viewerMute(interactionsOf(muted), "user-grace", Date.parse("2026-11-25T10:06:00Z"))).toBeNull();

    const snapshotMuted = withChat([], { muted: true, muted_until: null });
    expect(viewerMute(interactionsOf(snapshotMuted), "user-grace", now)).toEqual({ until: null });
    const unmuted = applyInteractionEvent(snapshotMuted, anEvent(3, "chat.user_unmuted", { user_id: "user-grace" }));
    expect(viewerMute(interactionsOf(unmuted), "user-grace", now)).toBeNull();
  });
});

describe("questions", () => {
  const asked = (seq: number, question = aQuestion(seq)) => anEvent(seq, "qa.question_asked", { question });

  it("adds an asked question once", () => {
    const next = applyInteractionEvent({ questions: [] }, asked(2));
    expect(next.questions).toHaveLength(1);
    expect(applyInteractionEvent(next, asked(2))).toBe(next);
  });

  it("names an anonymous question's author to staff", () => {
    const state = { questions: [aQuestion(2, { anonymous: true, author_id: null, author_name: null })] };
    const next = applyInteractionEvent(
      state,
      anEvent(3, "qa.question_author", { question_id: "question-2", author_id: "user-grace", author_name: "Grace Hopper" }),
    );
    expect(next.questions?.[0]).toMatchObject({ anonymous: true, author_name: "Grace Hopper" });
  });

  it("counts the viewer's own vote once, and the aggregated totals as they come", () => {
    const state = { questions: [aQuestion(2, { upvotes: 1 })] };
    const vote = anEvent(3, "qa.vote_cast", { question_id: "question-2", user_id: "user-alan" });
    const voted = applyInteractionEvent(state, vote);
    expect(voted.questions?.[0]).toMatchObject({ voted: true, upvotes: 2 });
    // Voting again changes nothing.
    expect(applyInteractionEvent(voted, { ...vote, seq: 4 })).toBe(voted);
    const totals = applyInteractionEvent(
      voted,
      anEvent(5, "qa.votes_changed", { questions: [{ id: "question-2", upvotes: 5 }, { id: "unknown", upvotes: 1 }] }),
    );
    expect(totals.questions?.[0]?.upvotes).toBe(5);
    const removed = applyInteractionEvent(totals, anEvent(6, "qa.vote_removed", { question_id: "question-2", user_id: "u" }));
    expect(removed.questions?.[0]).toMatchObject({ voted: false, upvotes: 4 });
  });

  it("answers, dismisses and reopens (reopening clears the answer)", () => {
    const state = { questions: [aQuestion(2)] };
    const answered = applyInteractionEvent(
      state,
      anEvent(3, "qa.question_answered", {
        question_id: "question-2",
        answer_text: "In the stroma.",
        answered_at: "2026-11-25T10:10:00Z",
      }),
    );
    expect(answered.questions?.[0]).toMatchObject({
      status: "answered",
      answer_text: "In the stroma.",
      answered_at: "2026-11-25T10:10:00Z",
    });
    const reopened = applyInteractionEvent(answered, anEvent(4, "qa.question_reopened", { question_id: "question-2" }));
    expect(reopened.questions?.[0]).toMatchObject({ status: "open", answer_text: null, answered_at: null });
    const dismissed = applyInteractionEvent(reopened, anEvent(5, "qa.question_dismissed", { question_id: "question-2" }));
    expect(dismissed.questions?.[0]?.status).toBe("dismissed");
  });

  it("ignores events about questions it does not have", () => {
    const state = { questions: [aQuestion(2)] };
    expect(applyInteractionEvent(state, anEvent(3, "qa.question_dismissed", { question_id: "other" }))).toBe(state);
  });
});

describe("polls", () => {
  it("opens a poll, keeps the viewer's vote, and follows the tally", () => {
    const empty: InteractionSlices = { poll: null };
    const opened = applyInteractionEvent(empty, anEvent(2, "poll.opened", { poll: aPoll() }));
    expect(opened.poll).toMatchObject({ id: "poll-1", status: "open", counts: null });
    const voted = applyInteractionEvent(opened, anEvent(3, "poll.vote_cast", { poll_id: "poll-1", option_ids: ["a"] }));
    expect(voted.poll?.my_vote).toEqual(["a"]);
    const tally = applyInteractionEvent(
      voted,
      anEvent(4, "poll.tally", { poll_id: "poll-1", counts: { a: 1, b: 1 }, total_votes: 2 }),
    );
    expect(tally.poll).toMatchObject({ counts: { a: 1, b: 1 }, total_votes: 2 });
    // A tally of another poll, or a malformed one, changes nothing.
    expect(applyInteractionEvent(tally, anEvent(5, "poll.tally", { poll_id: "other", counts: { a: 1 } }))).toBe(tally);
    expect(applyInteractionEvent(tally, anEvent(5, "poll.tally", { poll_id: "poll-1", counts: { a: -1 } }))).toBe(tally);
  });

  it("shows and hides results", () => {
    const state = { poll: aPoll({ counts: { a: 1, b: 0 }, total_votes: 1 }) };
    const shown = applyInteractionEvent(
      state,
      anEvent(2, "poll.results_shown", { poll_id: "poll-1", visible: true, counts: { a: 2, b: 0 }, total_votes: 2 }),
    );
    expect(shown.poll).toMatchObject({ results_visible: true, counts: { a: 2, b: 0 } });
    const hidden = applyInteractionEvent(
      shown,
      anEvent(3, "poll.results_shown", { poll_id: "poll-1", visible: false, counts: null, total_votes: null }),
    );
    expect(hidden.poll).toMatchObject({ results_visible: false, counts: { a: 2, b: 0 } });
  });

  it("closes a poll: frozen counts when shown, and a quiz's right answer", () => {
    const state = { poll: aPoll({ kind: "quiz", my_vote: ["b"] }) };
    const closed = applyInteractionEvent(
      state,
      anEvent(2, "poll.closed", {
        poll_id: "poll-1",
        closed_at: "2026-11-25T10:09:00Z",
        correct_option_ids: ["a"],
        counts: null,
        total_votes: null,
      }),
    );
    expect(closed.poll).toMatchObject({
      status: "closed",
      closed_at: "2026-11-25T10:09:00Z",
      correct_option_ids: ["a"],
      counts: null,
      my_vote: ["b"],
    });
  });
});

describe("reactions", () => {
  it("keeps the latest burst with its seq", () => {
    const empty: InteractionSlices = {};
    const next = applyInteractionEvent(
      empty,
      anEvent(9, "reactions.burst", { second: "2026-11-25T10:00:09Z", counts: { "👍": 3, "🎉": 1 } }),
    );
    expect(next.reactions).toEqual({ seq: 9, second: "2026-11-25T10:00:09Z", counts: { "👍": 3, "🎉": 1 } });
  });
});

describe("a stale snapshot brought forward", () => {
  it("equals what a fresh /state would say", () => {
    const stale: InteractionSlices = {
      chat: { ...EMPTY_CHAT, latest: [aMessage(2)] },
      questions: [aQuestion(3)],
      poll: null,
    };
    const events = [
      anEvent(4, "chat.message_posted", { message: aMessage(4) }),
      anEvent(5, "chat.message_pinned", { message_id: "message-4", pinned: true }),
      anEvent(6, "chat.message_deleted", { message_id: "message-2", by: "user-ada" }),
      anEvent(7, "qa.question_asked", { question: aQuestion(7) }),
      anEvent(8, "qa.votes_changed", { questions: [{ id: "question-7", upvotes: 2 }] }),
      anEvent(9, "qa.question_answered", { question_id: "question-3", answer_text: null, answered_at: "2026-11-25T10:10:00Z" }),
      anEvent(10, "poll.opened", { poll: aPoll() }),
      anEvent(11, "poll.results_shown", { poll_id: "poll-1", visible: true, counts: { a: 0, b: 0 }, total_votes: 0 }),
      anEvent(12, "poll.tally", { poll_id: "poll-1", counts: { a: 2, b: 1 }, total_votes: 3 }),
      anEvent(13, "poll.closed", {
        poll_id: "poll-1",
        closed_at: "2026-11-25T10:12:00Z",
        correct_option_ids: [],
        counts: { a: 2, b: 1 },
        total_votes: 3,
      }),
      anEvent(14, "chat.slow_mode_set", { seconds: 10 }),
    ];
    const fresh: InteractionSlices = {
      chat: {
        latest: [aMessage(2, { body: "", deleted: true }), aMessage(4, { pinned: true })],
        pinned: [aMessage(4, { pinned: true })],
        slow_mode_seconds: 10,
        muted: false,
        muted_until: null,
      },
      questions: [
        aQuestion(3, { status: "answered", answered_at: "2026-11-25T10:10:00Z" }),
        aQuestion(7, { upvotes: 2 }),
      ],
      poll: aPoll({
        status: "closed",
        results_visible: true,
        closed_at: "2026-11-25T10:12:00Z",
        correct_option_ids: [],
        counts: { a: 2, b: 1 },
        total_votes: 3,
      }),
    };
    // `chat_changes` is the client's own (for loaded chat pages): `/state` has no such slice.
    expect({ ...events.reduce(applyInteractionEvent, stale), chat_changes: undefined }).toEqual(fresh);
  });
});
